// A return's own journey: requested → approved → label → in transit → received → refunded. One
// rule for the storefront, the emails and the admin (each words the steps itself). Pure: the return
// case's and its return shipment's stored milestones in, the steps' states out.

export const RETURN_STEPS = ["requested", "approved", "label", "in_transit", "received", "refunded"] as const;
export type ReturnStep = (typeof RETURN_STEPS)[number];
export type StepState = "done" | "current" | "todo";

export interface ReturnFacts {
  /** The return shipment's sub-status (return_requested ... refunded, declined, cancelled). */
  subStatus: string;
  /** The case's own status from its newest payload: requested | approved | declined | cancelled | closed. */
  caseStatus: string | null;
  requestedAt: Date | null;
  approvedAt: Date | null;
  /** The return shipment's labelCreatedAt: a reverse delivery with a label or tracking was attached. */
  labelAt: Date | null;
  inTransitAt: Date | null;
  receivedAt: Date | null;
  refundedAt: Date | null;
  /** A reverse delivery exists (a label to print or a tracking number): the return is a parcel. */
  hasDelivery: boolean;
}

export interface ReturnJourney {
  /** Set when the return ended without coming back: no steps are shown for it then. */
  ended: "declined" | "cancelled" | null;
  steps: { step: ReturnStep; state: StepState; at: Date | null }[];
  /** 1-based: the current step, else the furthest one done. */
  current: number;
  /** A return is a parcel only once it has a reverse delivery; before that it is the order's return case. */
  parcel: boolean;
}

/** How far each sub-status shows the return has come (index into RETURN_STEPS). */
const REACHED: Readonly<Record<string, number>> = {
  return_requested: 0,
  return_approved: 1,
  return_label_created: 2,
  return_in_transit: 3,
  return_received: 4,
  return_disposed: 4,
  return_closed: 4,
};

export function returnJourney(f: ReturnFacts): ReturnJourney {
  const ended =
    f.subStatus === "declined" || f.caseStatus === "declined"
      ? "declined"
      : f.subStatus === "cancelled" || f.caseStatus === "cancelled"
        ? "cancelled"
        : null;
  const at: (Date | null)[] = [f.requestedAt, f.approvedAt, f.labelAt, f.inTransitAt, f.receivedAt, f.refundedAt];
  // Each step before the refund is done when it, or any later step, has happened: a label implies
  // approval, a receipt the trip. A closed return came back. The refund is done only by a refund.
  let reached = REACHED[f.subStatus] ?? 0;
  for (let i = 0; i < 5; i++) if (at[i]) reached = Math.max(reached, i);
  if (f.hasDelivery) reached = Math.max(reached, 2);
  if (f.caseStatus === "closed") reached = 4;
  const refunded = f.refundedAt !== null || f.subStatus === "refunded";
  const done = RETURN_STEPS.map((_, i) => (i === 5 ? refunded : i <= reached));
  const firstTodo = done.indexOf(false);
  return {
    ended,
    steps: RETURN_STEPS.map((step, i) => ({
      step,
      state: done[i] ? "done" : i === firstTodo && !ended ? "current" : "todo",
      at: at[i] ?? null,
    })),
    current: firstTodo === -1 ? RETURN_STEPS.length : firstTodo + 1,
    parcel: f.hasDelivery,
  };
}
