// Shipping steps of a story: the fulfillment plan (split shipments, a second carrier, two boxes),
// each fulfillment's webhooks, and the carrier's scans: store pickup, transit through the hubs,
// delivery, and the exceptions (a delay in transit, a missed delivery, a parcel returned to sender,
// a label that never scanned).
import { HOUR_MS } from "../../../app/lib/time";
import { CARRIERS, LOCATIONS, type Destination, type Hub, type Service } from "../catalog";
import { fulfillmentBody, fulfillmentEventBody, orderBody } from "./bodies";
import { emit, type StoryState } from "./state";

/** Which lines go in which fulfillment, from where, when, with which carrier and tracking numbers. */
export function planFulfillments(s: StoryState): void {
  const { rng, products, carrier, dest, scenario } = s;
  const groups: number[][] = s.split
    ? [products.map((_, k) => k).filter((k) => k % 2 === 0), products.map((_, k) => k).filter((k) => k % 2 === 1)]
    : [products.map((_, k) => k)];
  let cursor =
    s.placed.getTime() +
    Math.max(1.2 * HOUR_MS, rng.lognormal(scenario === "pickup" ? 3 * HOUR_MS : 18 * HOUR_MS, 0.6));
  groups.forEach((lines, k) => {
    const fid = String(s.id.fulfillment(k));
    const shipCarrier = k === 1 && carrier && dest?.region === "US" && rng.chance(0.4) ? CARRIERS.USPS : carrier;
    const numbers = shipCarrier ? [shipCarrier.trackingNumber(rng)] : [];
    if (shipCarrier && lines.length > 1 && rng.chance(0.25)) numbers.push(shipCarrier.trackingNumber(rng)); // two boxes
    const created = new Date(cursor);
    const location = k === 1 ? LOCATIONS.store : scenario === "pickup" ? LOCATIONS.store : LOCATIONS.warehouse;
    const service = k === 0 || shipCarrier === carrier ? (s.service?.name ?? null) : "USPS Ground Advantage";
    const shipment = {
      fulfillmentId: fid,
      name: `${s.name}.${k + 1}`,
      carrier: shipCarrier?.name ?? null,
      service,
      trackingNumbers: numbers,
      createdAt: created,
      statuses: [],
    };
    s.plans.push({ fid, lines, carrier: shipCarrier, numbers, created, location, shipment });
    cursor += rng.lognormal(28 * HOUR_MS, 0.5);
  });
}

/** fulfillments/create, then the order's update (and orders/fulfilled when all lines are out). */
export function fulfill(s: StoryState, k: number): void {
  const { created } = s.plans[k]!;
  emit(s, "fulfillments/create", created, () => fulfillmentBody(s, k, null, created));
  const orderAt = new Date(created.getTime() + 1500);
  const snapshot = () => {
    s.fulfillmentState.set(k, { status: null, updated: created });
    return orderBody(s, orderAt);
  };
  // Bodies are built lazily in trigger order, so the snapshot sees the fulfillments made so far.
  emit(s, "orders/updated", orderAt, snapshot);
  if (k === s.plans.length - 1)
    emit(s, "orders/fulfilled", new Date(orderAt.getTime() + 800), () => orderBody(s, orderAt));
}

/** One carrier scan: the event, and the fulfillment's update to that shipment_status. */
function scan(
  s: StoryState,
  k: number,
  status: string,
  at: Date,
  where: Hub | Destination | null,
  message: string,
  edd: Date | null,
): void {
  s.plans[k]!.shipment.statuses.push({ status, at });
  const eventId = s.id.event(s.eventSeq++);
  emit(s, "fulfillment_events/create", at, () =>
    fulfillmentEventBody(s, k, { eventId, status, at, where, message, edd }),
  );
  const updated = new Date(at.getTime() + 61_000);
  emit(s, "fulfillments/update", updated, () => fulfillmentBody(s, k, status, updated));
}

/** Ready at the store, then (mostly) collected. */
export function pickupScans(s: StoryState, k: number): void {
  const { rng } = s;
  const created = s.plans[k]!.created;
  const ready = new Date(created.getTime() + rng.float(0.5, 3) * HOUR_MS);
  scan(s, k, "ready_for_pickup", ready, null, `Ready for pickup at ${LOCATIONS.store.name}`, null);
  if (rng.chance(0.9)) {
    const picked = new Date(ready.getTime() + rng.lognormal(26 * HOUR_MS, 0.6));
    scan(s, k, "picked_up", picked, null, "Picked up by customer", null);
    s.lastDelivered = picked.getTime();
  }
}

/** Origin scan, hubs (with a delay for "delayed"), out for delivery, and delivery or its failure. */
export function carrierScans(s: StoryState, k: number): void {
  const { rng, exception, dest } = s;
  const plan = s.plans[k]!;
  const c = CARRIERS[(plan.shipment.carrier ?? "UPS") as keyof typeof CARRIERS];
  const svc = c.services.find((x) => x.name === plan.shipment.service) ?? (c.services[0] as Service);
  if (exception === "stalled" && k === 0) return; // a label was bought, the parcel never scanned
  const firstScan = new Date(plan.created.getTime() + Math.max(2 * HOUR_MS, rng.lognormal(9 * HOUR_MS, 0.5)));
  const transit = Math.max(10 * HOUR_MS, rng.lognormal(svc.transitHours * HOUR_MS, 0.3));
  let edd = new Date(firstScan.getTime() + svc.transitHours * HOUR_MS * 1.15);
  const origin = c.hubs[0] as Hub;
  scan(s, k, "in_transit", firstScan, origin, "Origin scan", edd);
  // A planted regional stall holds the first later scan that falls in it until it ends; the rest of
  // the journey shifts with it.
  const stall = s.stall;
  const stalled = !!stall && plan.shipment.carrier === stall.carrier && dest?.city === stall.city;
  let held = 0;
  const hold = (at: Date): Date => {
    if (stalled && held === 0 && at >= stall.from && at < stall.to)
      held = stall.to.getTime() - at.getTime() + rng.float(2, 10) * HOUR_MS;
    return held ? new Date(at.getTime() + held) : at;
  };
  const hubs = Math.max(1, Math.round(transit / (30 * HOUR_MS)));
  let at = firstScan.getTime();
  let extra = 0;
  for (let hIdx = 1; hIdx <= hubs; hIdx++) {
    at += transit / (hubs + 1);
    const hub = c.hubs[hIdx % c.hubs.length] as Hub;
    if (exception === "delayed" && hIdx === 1) {
      extra = rng.float(30, 70) * HOUR_MS;
      edd = new Date(edd.getTime() + extra);
      scan(
        s,
        k,
        "delayed",
        hold(new Date(at)),
        hub,
        rng.pick(["Weather delay", "Delay in transit: volume exceeded capacity", "Package missed connection"]),
        edd,
      );
      at += extra;
    }
    scan(
      s,
      k,
      "in_transit",
      hold(new Date(at)),
      hub,
      rng.pick(["Departed from facility", "Arrived at facility", "In transit to next facility"]),
      edd,
    );
  }
  // Delivery day: out for delivery in the morning, delivered in the afternoon.
  const ofd = new Date(firstScan.getTime() + transit + extra);
  scan(s, k, "out_for_delivery", hold(ofd), dest, "Out for delivery", null);
  let done = new Date(ofd.getTime() + rng.float(2, 8) * HOUR_MS);
  if (exception === "attempted" || exception === "failure") {
    scan(
      s,
      k,
      "attempted_delivery",
      hold(done),
      dest,
      rng.pick(["Delivery attempted: no access to building", "Customer not available", "Business closed"]),
      null,
    );
    if (exception === "failure") {
      const failed = new Date(done.getTime() + rng.float(40, 80) * HOUR_MS);
      scan(s, k, "failure", hold(failed), dest, "Returned to sender: unable to deliver", null);
      return;
    }
    const again = new Date(done.getTime() + rng.float(18, 26) * HOUR_MS);
    scan(s, k, "out_for_delivery", hold(again), dest, "Out for delivery", null);
    done = new Date(again.getTime() + rng.float(2, 6) * HOUR_MS);
  }
  done = hold(done);
  scan(
    s,
    k,
    "delivered",
    done,
    dest,
    rng.pick([
      "Delivered, front door/porch",
      "Delivered, in mailbox",
      "Delivered to reception",
      "Delivered, left with neighbour",
    ]),
    null,
  );
  s.lastDelivered = Math.max(s.lastDelivered, done.getTime());
}
