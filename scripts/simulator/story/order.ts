// Order steps of a story: placement (orders/create, then orders/paid) and cancellation.
import { HOUR_MS } from "../../../app/lib/time";
import { orderBody } from "./bodies";
import { emit, type StoryState } from "./state";

/** The order is placed, then paid a few seconds later. */
export function placeOrder(s: StoryState): void {
  emit(s, "orders/create", s.placed, () => orderBody(s, s.placed, { financial_status: "pending" }));
  const paidAt = new Date(s.placed.getTime() + 4000);
  emit(s, "orders/paid", paidAt, () => orderBody(s, paidAt));
}

/** Cancelled (and refunded) within hours, before anything ships. */
export function cancelOrder(s: StoryState): void {
  const { rng, t } = s;
  const at = new Date(s.placed.getTime() + rng.float(0.1, 6) * HOUR_MS);
  // The reason is drawn when the body is built (after every timing draw), as it always was: moving
  // the draw would change every story's later draws.
  emit(s, "orders/cancelled", at, () =>
    orderBody(s, at, {
      cancelled_at: t(at),
      cancel_reason: rng.pick(["customer", "inventory", "fraud"]),
      closed_at: t(at),
      financial_status: "refunded",
    }),
  );
  emit(s, "orders/updated", new Date(at.getTime() + 1000), () =>
    orderBody(s, at, {
      cancelled_at: t(at),
      cancel_reason: "customer",
      closed_at: t(at),
      financial_status: "refunded",
    }),
  );
}
