// The JSON the order-status block renders (GET <app>/api/order-status?order=<id>&locale=<iso>, answered by
// app/routes/api.order-status.tsx). Everything is ready to show: words from the tracking page's own
// locale files and the stages and estimate computed by its own script (tracking-core.js), so the block
// and the tracking page cannot disagree. The block only lays it out.

export type StepState = "done" | "current" | "todo";

export interface OrderStatusStages {
  /** One entry per step shown: 4 for an outbound parcel, 5 with the return. */
  steps: { label: string; state: StepState }[];
  /** "Step 3 of 4: On its way. In transit" (the tracking page's progress text). */
  text: string;
}

export interface OrderStatusShipment {
  id: string;
  /** "Package 1 of 2", "Return", or null for a single parcel. */
  title: string | null;
  statusLabel: string;
  stages: OrderStatusStages;
  /** "Estimated delivery" and "Wed, Nov 27 (Carrier estimate)", or null when there is no estimate. */
  estimate: { label: string; text: string } | null;
  /** The carrier's tracking page: "Track with UPS". */
  carrierLink: { url: string; text: string } | null;
  trackingNumber: { label: string; value: string } | null;
  /** The delay or problem notice, if any. */
  notice: string | null;
}

export interface OrderStatusFound {
  found: true;
  locale: string;
  /** "Order #1001" */
  heading: string;
  statusLabel: string;
  cancelled: string | null;
  /** No parcel yet: the order's own progress and the "preparing" line. */
  waiting: { stages: OrderStatusStages; text: string } | null;
  shipments: OrderStatusShipment[];
}

export interface OrderStatusMissing {
  found: false;
  reason: "not_found" | "invalid";
}

export type OrderStatusResponse = OrderStatusFound | OrderStatusMissing;
