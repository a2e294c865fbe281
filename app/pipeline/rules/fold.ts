// The fold: a shipment's state as a pure function of the SET of its facts. Shopify delivers at least
// once and out of order, so facts are de-duplicated by key, put in one canonical order (time, then
// status rank, then key) and folded. Arrival order never matters; stages never go backwards.
//
// Rules (stages.ts holds the per-status table):
// - Outbound: the stage is the highest any fact shows; the sub-status is that of the newest fact of
//   that stage. Returns are always stage 5 and their sub-status only moves forward along the flow.
// - Terminal (delivered, picked_up; refunded, declined, cancelled returns): later facts only update
//   lastStatus, lastEventAt, lastLocation and factsAt, not the stage, sub-status, flags, EDD or milestones.
// - Cancellation (fulfillment cancelled/error/failure) keeps the stage and shows sub-status
//   "cancelled" while it is the newest fulfillment status; a cancelled shipment is neither delayed
//   nor needing attention. cancelledAt stays as history after a reinstatement.
// - lastEventAt: newest carrier scan (Shopify's fulfillment_event or a tracking source's event);
//   lastLocation: newest such fact with a location. Facts from other sources (the fulfillment's shipment_status) move stages only.
import {
  initialStage,
  initialSubStatus,
  isDeliveredSubStatus,
  needsAttentionSubStatus,
  statusInfo,
  subStatusRank,
  type StatusInfo,
} from "./stages";
import {
  isCarrierScan,
  type ShipmentFact,
  type ShipmentKind,
  type ShipmentMilestones,
  type ShipmentState,
  type Stage,
  type Transition,
} from "./types";

function emptyMilestones(): ShipmentMilestones {
  return {
    labelCreatedAt: null,
    inTransitAt: null,
    outForDeliveryAt: null,
    attemptedAt: null,
    deliveredAt: null,
    failedAt: null,
    cancelledAt: null,
  };
}

/** The state of a shipment nobody has told us anything about yet. */
export function initialState(kind: ShipmentKind): ShipmentState {
  return {
    kind,
    stage: initialStage(kind),
    subStatus: initialSubStatus(kind),
    lastStatus: null,
    delayed: false,
    needsAttention: false,
    cancelled: false,
    carrierEdd: null,
    lastEventAt: null,
    lastLocation: null,
    milestones: emptyMilestones(),
    factsAt: null,
  };
}

function validDate(d: Date | null | undefined): d is Date {
  return d instanceof Date && !Number.isNaN(d.getTime());
}

function iso(d: Date | null | undefined): string | null {
  return validDate(d) ? d.toISOString() : null;
}

/** A stable text form of a fact, to choose between two deliveries of one key that differ. */
function canonical(f: ShipmentFact): string {
  return JSON.stringify([
    f.key,
    f.source,
    f.status,
    iso(f.at),
    iso(f.estimatedDeliveryAt),
    f.message ?? null,
    f.city ?? null,
    f.province ?? null,
    f.country ?? null,
    f.zip ?? null,
  ]);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The facts as the fold sees them: facts with an invalid time dropped, one fact per key (should two
 * deliveries of a key differ, the later `at` wins, then the greater canonical form), sorted by time,
 * then status rank (so at one instant "delivered" folds after "out_for_delivery"), then key.
 */
export function orderFacts(kind: ShipmentKind, facts: readonly ShipmentFact[]): ShipmentFact[] {
  const byKey = new Map<string, ShipmentFact>();
  for (const f of facts) {
    if (!validDate(f.at)) continue;
    const seen = byKey.get(f.key);
    if (!seen) {
      byKey.set(f.key, f);
      continue;
    }
    const dt = f.at.getTime() - seen.at.getTime();
    if (dt > 0 || (dt === 0 && canonical(f) > canonical(seen))) byKey.set(f.key, f);
  }
  const ranked = [...byKey.values()].map((f) => ({ f, t: f.at.getTime(), rank: statusInfo(f.status, kind).rank }));
  ranked.sort((a, b) => a.t - b.t || a.rank - b.rank || compareStrings(a.f.key, b.f.key));
  return ranked.map((r) => r.f);
}

/** "City, PROV, CC" from whatever parts a fact carries, or null when it carries none. */
export function formatLocation(f: Pick<ShipmentFact, "city" | "province" | "country">): string | null {
  const parts = [f.city, f.province, f.country].map((p) => (p ?? "").trim()).filter((p) => p !== "");
  return parts.length > 0 ? parts.join(", ") : null;
}

/** The fold's working state. `sub` is the sub-status before cancellation is applied. */
interface Acc {
  kind: ShipmentKind;
  stage: Stage;
  sub: string;
  subRank: number;
  terminal: boolean;
  delayFlag: boolean;
  cancelled: boolean;
  carrierEdd: Date | null;
  lastStatus: string | null;
  lastEventAt: Date | null;
  lastLocation: string | null;
  milestones: ShipmentMilestones;
  factsAt: Date | null;
  /** The fact that last changed the visible (stage, subStatus). */
  cause: ShipmentFact | null;
}

function startAcc(kind: ShipmentKind): Acc {
  const sub = initialSubStatus(kind);
  return {
    kind,
    stage: initialStage(kind),
    sub,
    subRank: subStatusRank(sub),
    terminal: false,
    delayFlag: false,
    cancelled: false,
    carrierEdd: null,
    lastStatus: null,
    lastEventAt: null,
    lastLocation: null,
    milestones: emptyMilestones(),
    factsAt: null,
    cause: null,
  };
}

function visibleSubStatus(acc: Acc): string {
  return acc.cancelled ? "cancelled" : acc.sub;
}

/** Fold one fact (facts arrive here in canonical order). */
function step(acc: Acc, fact: ShipmentFact, info: StatusInfo): void {
  const before = `${acc.stage}|${visibleSubStatus(acc)}`;

  // What is newest is recorded even after a terminal status: people see the latest word.
  acc.lastStatus = fact.status;
  acc.factsAt = fact.at;
  if (isCarrierScan(fact.source)) {
    acc.lastEventAt = fact.at;
    const location = formatLocation(fact);
    if (location) acc.lastLocation = location;
  }

  if (!acc.terminal) {
    if (validDate(fact.estimatedDeliveryAt)) acc.carrierEdd = fact.estimatedDeliveryAt;
    if (info.milestone && acc.milestones[info.milestone] === null) acc.milestones[info.milestone] = fact.at;
    if (info.delay === "set") acc.delayFlag = true;
    else if (info.delay === "clear") acc.delayFlag = false;
    if (info.fulfillment === "cancelled") acc.cancelled = true;
    else if (info.fulfillment === "active") acc.cancelled = false;

    if (info.stage !== null && info.subStatus !== null) {
      if (acc.kind === "outbound") {
        // Stage only rises; the sub-status follows the newest fact of the current stage.
        if (info.stage >= acc.stage) {
          acc.stage = info.stage;
          acc.sub = info.subStatus;
          acc.subRank = info.rank;
          if (info.terminal) acc.terminal = true;
        }
      } else if (info.rank > acc.subRank) {
        // A return is always stage 5; its sub-status only moves forward along the return flow.
        acc.sub = info.subStatus;
        acc.subRank = info.rank;
        if (info.subStatus === "cancelled") acc.cancelled = true;
        if (info.terminal) acc.terminal = true;
      }
    }
  }

  if (acc.cause === null || `${acc.stage}|${visibleSubStatus(acc)}` !== before) acc.cause = fact;
}

function view(acc: Acc): ShipmentState {
  const sub = visibleSubStatus(acc);
  return {
    kind: acc.kind,
    stage: acc.stage,
    subStatus: sub,
    lastStatus: acc.lastStatus,
    delayed: acc.delayFlag && !acc.cancelled && !isDeliveredSubStatus(acc.sub),
    needsAttention: !acc.cancelled && needsAttentionSubStatus(sub),
    cancelled: acc.cancelled,
    carrierEdd: acc.carrierEdd,
    lastEventAt: acc.lastEventAt,
    lastLocation: acc.lastLocation,
    milestones: { ...acc.milestones },
    factsAt: acc.factsAt,
  };
}

function transitionOf(
  from: { stage: Stage; subStatus: string } | null,
  to: ShipmentState,
  cause: ShipmentFact,
): Transition {
  return {
    fromStage: from?.stage ?? null,
    toStage: to.stage,
    fromStatus: from?.subStatus ?? null,
    toStatus: to.subStatus,
    at: cause.at,
    cause: `${cause.source}:${cause.status}`,
    factKey: cause.key,
  };
}

/** Fold the facts, keeping every change of (stage, subStatus) along the way. */
function run(
  kind: ShipmentKind,
  facts: readonly ShipmentFact[],
): { state: ShipmentState; cause: ShipmentFact | null; history: Transition[] } {
  const acc = startAcc(kind);
  const history: Transition[] = [];
  let shown: { stage: Stage; subStatus: string } | null = null;
  for (const fact of orderFacts(kind, facts)) {
    step(acc, fact, statusInfo(fact.status, kind));
    const sub = visibleSubStatus(acc);
    if (shown === null || shown.stage !== acc.stage || shown.subStatus !== sub) {
      history.push(transitionOf(shown, view(acc), fact));
      shown = { stage: acc.stage, subStatus: sub };
    }
  }
  return { state: view(acc), cause: acc.cause, history };
}

/** A shipment's state from the set of its facts. Duplicates and arrival order do not matter. */
export function foldShipment(kind: ShipmentKind, facts: readonly ShipmentFact[]): ShipmentState {
  return run(kind, facts).state;
}

/**
 * Every change of stage or sub-status when the facts are folded in canonical order: the first
 * fact makes a transition from null, and each later change records the fact that caused it. The
 * same set of facts always gives the same list, so StageTransition rows can be rebuilt from it.
 */
export function replayTransitions(kind: ShipmentKind, facts: readonly ShipmentFact[]): Transition[] {
  return run(kind, facts).history;
}

/**
 * The transition to record when a shipment's stored state `prev` becomes `next` (the fold of
 * `facts`): none when stage and sub-status are unchanged, otherwise one record from prev to next,
 * caused by the fact that made next's stage/sub-status (for an un-cancelled shipment, the fact that
 * reinstated it). Changes passed through on the way (several facts arriving at once) collapse into
 * this one record; replayTransitions gives the full path.
 */
export function transitionsBetween(
  prev: ShipmentState | null,
  next: ShipmentState,
  facts: readonly ShipmentFact[],
): Transition[] {
  if (prev && prev.stage === next.stage && prev.subStatus === next.subStatus) return [];
  const folded = run(next.kind, facts);
  let cause = folded.cause;
  if (!cause || folded.state.stage !== next.stage || folded.state.subStatus !== next.subStatus) {
    // `next` is not the fold of these facts: blame the newest fact that shows next's sub-status.
    const ordered = orderFacts(next.kind, facts);
    cause =
      [...ordered].reverse().find((f) => statusInfo(f.status, next.kind).subStatus === next.subStatus) ??
      ordered.at(-1) ??
      null;
  }
  if (!cause) return [];
  return [transitionOf(prev, next, cause)];
}

export interface OrderSummary {
  stage: Stage;
  subStatus: string;
}

/**
 * One stage and sub-status for a whole order, from its shipments.
 * - A cancelled order shows "cancelled" at the furthest stage its live shipments reached (else 1).
 * - Any return shows stage 5: the least advanced return still open (someone is waiting on it), or,
 *   when every return ended declined/cancelled, the newest one.
 * - Otherwise the furthest live (not cancelled) outbound shipment leads. With items still unshipped
 *   the sub-status is "partially_fulfilled"; when the leader is delivered but another live shipment
 *   is not, "partially_delivered". No live shipment: stage 1 "confirmed".
 */
export function summarizeOrder(
  shipments: readonly ShipmentState[],
  opts: { cancelled: boolean; hasUnfulfilledItems: boolean },
): OrderSummary {
  const live = shipments.filter((s) => s.kind === "outbound" && !s.cancelled);
  const furthest = live.reduce<ShipmentState | null>((best, s) => {
    if (!best) return s;
    if (s.stage !== best.stage) return s.stage > best.stage ? s : best;
    return subStatusRank(s.subStatus) > subStatusRank(best.subStatus) ? s : best;
  }, null);

  if (opts.cancelled) return { stage: furthest?.stage ?? 1, subStatus: "cancelled" };

  const returns = shipments.filter((s) => s.kind === "return");
  if (returns.length > 0) {
    const open = returns.filter((s) => s.subStatus !== "declined" && s.subStatus !== "cancelled");
    const pick =
      open.length > 0
        ? open.reduce((a, b) => (subStatusRank(b.subStatus) < subStatusRank(a.subStatus) ? b : a))
        : returns.reduce((a, b) => {
            const dt = (b.factsAt?.getTime() ?? 0) - (a.factsAt?.getTime() ?? 0);
            return dt > 0 || (dt === 0 && b.subStatus > a.subStatus) ? b : a;
          });
    return { stage: 5, subStatus: pick.subStatus };
  }

  if (!furthest) return { stage: 1, subStatus: "confirmed" };
  if (opts.hasUnfulfilledItems) return { stage: furthest.stage, subStatus: "partially_fulfilled" };
  if (isDeliveredSubStatus(furthest.subStatus) && live.some((s) => !isDeliveredSubStatus(s.subStatus))) {
    return { stage: furthest.stage, subStatus: "partially_delivered" };
  }
  return { stage: furthest.stage, subStatus: furthest.subStatus };
}
