// When a shipment is registered with the shop's tracking source, when it stops, and the budget.
// Pure: the caller passes the shipment's facts as plain values and `now`.

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** Registrations stop this long after the label, delivered or not. */
export const MAX_TRACKING_DAYS = 60;
export const DEFAULT_REGISTER_AFTER_HOURS = 12;
export const DEFAULT_MONTHLY_BUDGET = 500;

/**
 * Carriers whose scans Shopify itself records for labels bought anywhere (its carrier integrations):
 * for these Waypoint waits `registerAfterHours` for Shopify's first event. Every other carrier, and
 * a carrier nobody could name, is registered at once.
 */
export const SHOPIFY_TRACKED_CARRIERS: ReadonlySet<string> = new Set([
  "ups",
  "usps",
  "fedex",
  "dhl_express",
  "dhl_ecommerce",
  "canada_post",
  "royal_mail",
  "australia_post",
]);

export interface RegistrationCandidate {
  kind: string;
  trackingNumber: string | null;
  carrierCode: string | null;
  labelCreatedAt: Date | null;
  createdAt: Date;
  /** Delivered, picked up, cancelled or returned to sender. */
  final: boolean;
  /** Shopify has given at least one carrier event (fulfillment_events) for it. */
  hasShopifyScan: boolean;
}

export type RegistrationDecision =
  | { register: true; reason: "untracked_carrier" | "no_shopify_event" }
  | {
      register: false;
      why: "return" | "no_tracking_number" | "final" | "too_old" | "shopify_reports" | "too_early" | "budget_spent";
      /** too_early: when to look again. */
      at?: Date;
    };

export interface SourcePolicy {
  registerAfterHours: number;
  monthlyBudget: number;
  /** Registrations already made this calendar month. */
  usedThisMonth: number;
}

/** Whether to register a shipment now (the budget is checked last: it only matters for a yes). */
export function registrationDecision(c: RegistrationCandidate, p: SourcePolicy, now: Date): RegistrationDecision {
  if (c.kind !== "outbound") return { register: false, why: "return" };
  if (!c.trackingNumber) return { register: false, why: "no_tracking_number" };
  if (c.final) return { register: false, why: "final" };
  const since = c.labelCreatedAt ?? c.createdAt;
  if (now.getTime() - since.getTime() > MAX_TRACKING_DAYS * DAY_MS) return { register: false, why: "too_old" };
  if (c.hasShopifyScan) return { register: false, why: "shopify_reports" };
  const untracked = !c.carrierCode || !SHOPIFY_TRACKED_CARRIERS.has(c.carrierCode);
  if (!untracked) {
    const due = new Date(since.getTime() + p.registerAfterHours * HOUR_MS);
    if (now < due) return { register: false, why: "too_early", at: due };
  }
  if (p.usedThisMonth >= p.monthlyBudget) return { register: false, why: "budget_spent" };
  return { register: true, reason: untracked ? "untracked_carrier" : "no_shopify_event" };
}

/** Why an active registration should stop now, or null to keep it. */
export function stopReason(
  r: { registeredAt: Date; labelCreatedAt: Date | null },
  shipment: { final: boolean; sourceFinal?: boolean },
  now: Date,
): "final" | "expired" | null {
  if (shipment.final || shipment.sourceFinal) return "final";
  const since = r.labelCreatedAt ?? r.registeredAt;
  return now.getTime() - since.getTime() > MAX_TRACKING_DAYS * DAY_MS ? "expired" : null;
}

/** A shipment's state is final for tracking: delivered, picked up, cancelled, or returned to sender. */
export function isFinalShipment(s: {
  subStatus: string;
  cancelledAt: Date | null;
  lastStatus?: string | null;
}): boolean {
  return s.subStatus === "delivered" || s.subStatus === "picked_up" || s.subStatus === "cancelled";
}

/** The budget's month: registrations are counted per calendar month in UTC. */
export function budgetMonth(now: Date): string {
  return now.toISOString().slice(0, 7);
}

/** Whether a poll is due: never for final or stopped registrations, else every `pollMinutes`. */
export function pollDue(lastPolledAt: Date | null, pollMinutes: number | null, now: Date): boolean {
  if (!pollMinutes || pollMinutes <= 0) return false;
  return !lastPolledAt || now.getTime() - lastPolledAt.getTime() >= pollMinutes * 60_000;
}
