// Sending: the outbox's rows → the providers, exactly once per idempotency key
// (docs/decisions/003-exactly-once-notifications.md, "Sending and crashes"). An attempt claims its row
// (status sending, attempts + 1, a deadline) before the provider call and records the answer after it;
// a row found "sending" past its deadline is reconciled with the provider, never sent blindly again.
// When the provider cannot tell, the row is "in doubt" (failed, errorKind in_doubt): shown to staff, who
// can resend it, and resent once automatically for critical milestones when the shop wants it.
import type { Notification, Order, Shipment, Shop } from "@prisma/client";
import type { Db, Prisma } from "../db.server";
import { errorMessage, logger } from "../lib/logger.server";
import { MINUTE_MS } from "../lib/time";
import {
  asJson,
  factsOf,
  inTransaction,
  type NotificationDeps,
  type Now,
  resolveProviders,
  scheduleSend,
  sendsNothing,
  timeZoneOf,
  type Tx,
} from "./outbox.server";
import {
  type EmailMessage,
  ProviderError,
  type ResolvedProviders,
  type SendResult,
  type SentLookup,
  type SmsMessage,
} from "./providers/index.server";
import { absorbSiblings, combineDecision, withParcels } from "./combine.server";
import { messageContext, needsOptOutHint, type Rendered, renderFor, smsContext } from "./render.server";
import { type Channel, isMilestone, stillRelevant } from "./rules/policy";
import { AUTO_RESEND_BY, autoResendAt, IN_DOUBT } from "./rules/in-doubt";
import { applyQuietHours } from "./rules/quiet-hours";
import { MAX_SEND_ATTEMPTS, providerRetryDelay, TWILIO_UNSUBSCRIBED } from "./rules/retry";
import { isOptedOut, recordOptOut } from "./sms-optout.server";

/**
 * How long one provider call may take before its row counts as "in doubt" (the worker holding it may
 * have died). Well above the providers' own 20 s request timeouts, so a live attempt has always finished
 * (sent, failed, or left for reconciliation) before anyone else looks at its row.
 */
export const SEND_DEADLINE_MS = 2 * 60_000;

type NotificationRow = Notification & { shop: Shop; order: Order; shipment: Shipment | null };

function emailMessage(
  n: NotificationRow,
  p: ResolvedProviders,
  r: { subject: string | null; text: string; html: string | null },
): EmailMessage {
  return {
    notificationId: n.id,
    shopDomain: n.shop.domain,
    to: n.recipient ?? "",
    from: p.emailFrom,
    replyTo: p.replyTo,
    subject: r.subject ?? "",
    text: r.text,
    html: r.html ?? "",
    categories: ["waypoint", n.milestone],
  };
}

function smsMessage(n: NotificationRow, p: ResolvedProviders, body: string): SmsMessage {
  return { notificationId: n.id, to: n.recipient ?? "", from: p.smsFrom, body };
}

/** Conditional write on the row as this attempt last saw it: losing a race changes nothing. */
async function transition(
  db: Pick<Tx, "notification">,
  n: Pick<Notification, "id" | "status" | "attempts">,
  data: Prisma.NotificationUpdateManyMutationInput,
): Promise<boolean> {
  const r = await db.notification.updateMany({ where: { id: n.id, status: n.status, attempts: n.attempts }, data });
  return r.count === 1;
}

/** Why a message must not go now (terminal), or null. */
async function blockedReason(
  db: Db,
  n: NotificationRow,
): Promise<{ status: "suppressed" | "discarded"; reason: string } | null> {
  const facts = factsOf(n);
  if (sendsNothing(n.shop)) return { status: "suppressed", reason: "shop_uninstalled" };
  if (n.shop.notificationMode === "off" && !n.approvedBy) return { status: "suppressed", reason: "mode_off" };
  if (!n.recipient) return { status: "suppressed", reason: "no_address" };
  if (n.order.redactedAt) return { status: "suppressed", reason: "customer_redacted" };
  if (n.channel === "email" && !n.order.emailConsent) return { status: "suppressed", reason: "opted_out" };
  if (n.channel === "sms") {
    if (await isOptedOut(db, n.shopId, n.recipient)) return { status: "suppressed", reason: "opted_out" };
    if (!n.order.smsConsent && !n.shop.smsTransactionalOk) return { status: "suppressed", reason: "no_sms_consent" };
  }
  if (!facts.staff && isMilestone(n.milestone)) {
    if (n.shipment) {
      const s = n.shipment;
      const cancelled = s.cancelledAt !== null && s.subStatus === "cancelled";
      if (!stillRelevant(n.milestone, { stage: s.stage, subStatus: s.subStatus, delayed: s.delayed, cancelled })) {
        return { status: "discarded", reason: `no_longer_relevant: the shipment is now ${s.subStatus}` };
      }
    } else if (n.order.cancelledAt) {
      return { status: "discarded", reason: "no_longer_relevant: the order was cancelled" };
    }
  }
  return null;
}

/** notify.send: one attempt at one notification (or a reconciliation of an interrupted one). */
export async function sendNotification(db: Db, id: string, clock: Now, deps: NotificationDeps = {}): Promise<void> {
  const now = clock();
  const n = await db.notification.findUnique({ where: { id }, include: { shop: true, order: true, shipment: true } });
  if (!n) return;
  if (n.status === "sending") {
    if (n.nextAttemptAt && n.nextAttemptAt.getTime() > now.getTime()) {
      // An attempt may still be running (its worker lost its lease but not its life): look again after its deadline.
      await scheduleSend(db, n.id, n.shop.domain, n.nextAttemptAt);
      return;
    }
    await reconcile(db, n, clock, deps);
    return;
  }
  if (n.status === "failed" && n.errorKind === IN_DOUBT) {
    // Resent: the attempt goes in this run. Its wake-up "due now" cannot be relied on: when this job is
    // the one due now, the queue's one live job per row and time is this job itself, done when it returns.
    if (await autoResend(db, n, now)) await sendNotification(db, id, clock, deps);
    return;
  }
  if (n.status !== "queued" && n.status !== "deferred") return; // sent, failed, draft, suppressed, discarded: nothing to do
  if (n.nextAttemptAt && n.nextAttemptAt.getTime() > now.getTime()) return; // not due: its own wake-up is scheduled
  await attempt(db, n, clock, deps);
}

/** Renders, claims the row (status sending, attempts + 1, deadline), calls the provider, records the answer. */
async function attempt(db: Db, n: NotificationRow, clock: Now, deps: NotificationDeps): Promise<void> {
  const now = clock();
  const blocked = await blockedReason(db, n);
  if (blocked) {
    await transition(db, n, { status: blocked.status, error: blocked.reason, nextAttemptAt: null });
    return;
  }
  const tz = timeZoneOf(n.shop, n.order);
  if (n.channel === "sms") {
    const resume = applyQuietHours(now, tz, n.shop.quietHoursStart, n.shop.quietHoursEnd);
    if (resume.getTime() > now.getTime()) {
      // Quiet hours in the customer's zone: deferred, never dropped.
      if (await transition(db, n, { status: "deferred", nextAttemptAt: resume }))
        await scheduleSend(db, n.id, n.shop.domain, resume);
      return;
    }
  }
  if (!isMilestone(n.milestone)) {
    await transition(db, n, {
      status: "failed",
      error: `render_failed: unknown milestone ${n.milestone}`,
      errorKind: "permanent",
      nextAttemptAt: null,
    });
    return;
  }

  // A split order's parcels reaching this milestone together go in one email (combine.server.ts).
  const combine = await combineDecision(db, n, now);
  if (combine.kind === "wait") {
    if (await transition(db, n, { nextAttemptAt: combine.until }))
      await scheduleSend(db, n.id, n.shop.domain, combine.until);
    return;
  }
  if (combine.kind === "absorbed") {
    await transition(db, n, { status: "discarded", error: combine.reason, nextAttemptAt: null });
    return;
  }

  const facts = factsOf(n);
  let rendered: Rendered;
  try {
    let ctx = await messageContext(db, n.shop, n.order, n.shipment, n.milestone, facts, n.personalNote, now, deps);
    if (n.channel === "sms") ctx = await smsContext(db, n.shop, n.order.id, ctx);
    if (combine.kind === "lead") ctx = await withParcels(db, ctx, n.shipment, combine.shipmentIds);
    const hint = n.channel === "sms" && (await needsOptOutHint(db, n.shopId, n.recipient));
    rendered = renderFor(n.milestone, n.channel as Channel, ctx, n.shop, n.locale, hint);
  } catch (e) {
    await transition(db, n, {
      status: "failed",
      error: `render_failed: ${errorMessage(e)}`,
      errorKind: "permanent",
      nextAttemptAt: null,
    });
    return;
  }

  const providers = resolveProviders(db, n.shop, deps);
  const provider = n.channel === "email" ? providers.email : providers.sms;
  const attempts = n.attempts + 1;
  const claimed = await transition(db, n, {
    status: "sending",
    attempts,
    nextAttemptAt: new Date(now.getTime() + SEND_DEADLINE_MS),
    provider: provider.name,
    subject: rendered.subject,
    bodyText: rendered.text,
    bodyHtml: rendered.html,
    segments: rendered.segments,
    context: asJson({
      ...facts,
      attemptStartedAt: now.toISOString(),
      reconciled: undefined,
      ...(combine.kind === "lead" ? { combined: combine.notificationIds } : {}),
    }),
  });
  if (!claimed) return; // another worker claimed it first
  if (combine.kind === "lead") await absorbSiblings(db, n.id, combine.notificationIds);

  // From here until the outcome is recorded, a crash leaves the row "sending" past its deadline:
  // the next look at it reconciles with the provider instead of sending blindly.
  let result: SendResult;
  try {
    result =
      n.channel === "email"
        ? await providers.email.sendEmail(emailMessage(n, providers, rendered))
        : await providers.sms.sendSms(smsMessage(n, providers, rendered.text));
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error; // not the provider's answer: leave it in doubt (the job retries and reconciles)
    await recordFailure(db, { ...n, status: "sending", attempts }, error, clock, deps);
    return;
  }
  await recordSent(db, { ...n, status: "sending", attempts }, result, rendered.segments, clock());
}

async function recordSent(
  db: Db,
  n: NotificationRow,
  result: SendResult,
  renderedSegments: number | null,
  now: Date,
): Promise<void> {
  const ok = await transition(db, n, {
    status: "sent",
    sentAt: now,
    providerMessageId: result.providerMessageId,
    segments: result.segments ?? renderedSegments,
    nextAttemptAt: null,
    error: null,
    errorKind: null,
  });
  if (!ok) logger.warn({ notificationId: n.id }, "sent, but the row changed meanwhile");
}

async function recordFailure(
  db: Db,
  n: NotificationRow,
  error: ProviderError,
  clock: Now,
  deps: NotificationDeps,
): Promise<void> {
  const now = clock();
  const random = deps.random ?? Math.random;
  if (error.ambiguous) {
    // No answer (timeout, reset): the provider may have accepted it. Stay "sending" and reconcile later.
    const at = new Date(now.getTime() + providerRetryDelay(n.attempts, random));
    if (
      await transition(db, n, {
        nextAttemptAt: at,
        error: `${error.message} (in doubt: checked with the provider before any new attempt)`,
        errorKind: "transient",
      })
    ) {
      await scheduleSend(db, n.id, n.shop.domain, at);
    }
    return;
  }
  if (error.kind === "transient" && n.attempts < MAX_SEND_ATTEMPTS) {
    const at = new Date(now.getTime() + providerRetryDelay(n.attempts, random));
    if (
      await transition(db, n, { status: "queued", nextAttemptAt: at, error: error.message, errorKind: "transient" })
    ) {
      await scheduleSend(db, n.id, n.shop.domain, at);
    }
    logger.warn(
      { notificationId: n.id, attempts: n.attempts, retryAt: at.toISOString(), err: error.message },
      "send failed, will retry",
    );
    return;
  }
  const message = error.kind === "transient" ? `gave up after ${n.attempts} attempts: ${error.message}` : error.message;
  if (n.channel === "sms" && error.provider === "twilio" && error.code === TWILIO_UNSUBSCRIBED && n.recipient) {
    // The shopper replied STOP to this sender (perhaps before Waypoint heard of it): remember it, so
    // later messages are suppressed as opted out rather than each failing at Twilio. START lifts it.
    await recordOptOut(db, [n.shopId], n.recipient);
  }
  await transition(db, n, { status: "failed", nextAttemptAt: null, error: message, errorKind: error.kind });
  logger.warn({ notificationId: n.id, kind: error.kind, err: error.message }, "send failed for good");
}

/**
 * A row left "sending" past its deadline: its worker died (or lost its answer) between handing the
 * message to the provider and recording the outcome. Ask the provider before doing anything else.
 */
async function reconcile(db: Db, n: NotificationRow, clock: Now, deps: NotificationDeps): Promise<void> {
  const now = clock();
  const facts = factsOf(n);
  const since = facts.attemptStartedAt
    ? new Date(facts.attemptStartedAt)
    : new Date((n.nextAttemptAt?.getTime() ?? now.getTime()) - SEND_DEADLINE_MS);
  const providers = resolveProviders(db, n.shop, deps);
  const provider = n.channel === "email" ? providers.email : providers.sms;
  let lookup: SentLookup;
  if (n.provider && n.provider !== provider.name) {
    lookup = { state: "unknown", reason: `it went to ${n.provider}, and the shop now sends through ${provider.name}` };
  } else if (n.bodyText === null) {
    lookup = { state: "unknown", reason: "the attempted message was not stored" };
  } else {
    try {
      lookup =
        n.channel === "email"
          ? await providers.email.findSentEmail(
              emailMessage(n, providers, { subject: n.subject, text: n.bodyText, html: n.bodyHtml }),
              since,
              now,
            )
          : await providers.sms.findSentSms(smsMessage(n, providers, n.bodyText), since, now);
    } catch (error) {
      lookup = { state: "not_yet", recheckAt: new Date(now.getTime() + 60_000) };
      logger.warn({ notificationId: n.id, err: errorMessage(error) }, "reconciliation lookup failed");
    }
  }
  logger.info(
    { notificationId: n.id, provider: provider.name, state: lookup.state },
    "reconciling an interrupted send",
  );
  switch (lookup.state) {
    case "found":
      await transition(db, n, {
        status: "sent",
        sentAt: now,
        providerMessageId: lookup.providerMessageId,
        nextAttemptAt: null,
        error: null,
        errorKind: null,
        context: asJson({ ...facts, reconciled: true }),
      });
      return;
    case "absent":
      // It never reached the provider: a normal attempt (attempts keeps counting).
      await attempt(db, n, clock, deps);
      return;
    case "not_yet":
      if (await transition(db, n, { nextAttemptAt: lookup.recheckAt }))
        await scheduleSend(db, n.id, n.shop.domain, lookup.recheckAt);
      return;
    case "unknown":
      await markInDoubt(db, n, provider.name, lookup.reason, now);
      return;
  }
}

/** The row's error while in doubt: what happened, and what comes next. */
function inDoubtError(provider: string, reason: string, resendAt: Date | null, alreadyAutoResent: boolean): string {
  const what = `in_doubt: an attempt was interrupted and ${provider} cannot tell whether it was sent (${reason}).`;
  if (resendAt)
    return `${what} Resent automatically at ${resendAt.toISOString()} (the shop's setting for critical messages), unless staff resend it first.`;
  const why = alreadyAutoResent
    ? "It was already resent automatically once, so it is not resent again"
    : "Not resent automatically, to avoid a duplicate";
  return `${what} ${why}: check the provider's log, and resend it from the failures page if it never arrived.`;
}

/**
 * The provider cannot tell whether the interrupted attempt went out. The row ends failed/in_doubt with
 * the reason; a critical milestone whose shop resends automatically gets its wake-up in the same
 * transaction (the durable queue), once.
 */
async function markInDoubt(db: Db, n: NotificationRow, provider: string, reason: string, now: Date): Promise<void> {
  const facts = factsOf(n);
  const resends = facts.resends ?? [];
  const resendAt = autoResendAt({ milestone: n.milestone, since: now, minutes: n.shop.inDoubtResendMinutes, resends });
  const marked = await inTransaction(db, async (tx) => {
    const ok = await transition(tx, n, {
      status: "failed",
      nextAttemptAt: resendAt,
      errorKind: IN_DOUBT,
      error: inDoubtError(
        provider,
        reason,
        resendAt,
        resends.some((r) => r.by === AUTO_RESEND_BY),
      ),
      context: asJson({ ...facts, inDoubt: { since: now.toISOString(), provider, reason, attempt: n.attempts } }),
    });
    if (ok && resendAt) await scheduleSend(tx, n.id, n.shop.domain, resendAt);
    return ok;
  });
  if (marked)
    logger.warn(
      { notificationId: n.id, provider, resendAt: resendAt?.toISOString() ?? null },
      "send in doubt: the provider cannot tell whether it went out",
    );
}

/**
 * notify.send on a row in doubt: its automatic resend, when due. The shop's setting is read again: a
 * shop that chose "never" since leaves it to staff; a changed delay moves the wake-up. True when the
 * row went back to the queue (the caller attempts it at once).
 */
async function autoResend(db: Db, n: NotificationRow, now: Date): Promise<boolean> {
  if (!n.nextAttemptAt) return false; // waits for staff
  const facts = factsOf(n);
  const since = facts.inDoubt ? new Date(facts.inDoubt.since) : n.updatedAt;
  const resends = facts.resends ?? [];
  const due = autoResendAt({ milestone: n.milestone, since, minutes: n.shop.inDoubtResendMinutes, resends });
  const provider = facts.inDoubt?.provider ?? n.provider ?? "the provider";
  const reason = facts.inDoubt?.reason ?? "no reason recorded";
  if (!due) {
    await transition(db, n, { nextAttemptAt: null, error: inDoubtError(provider, reason, null, false) });
    return false;
  }
  if (due.getTime() > now.getTime()) {
    if (due.getTime() === n.nextAttemptAt.getTime()) return false; // an early or duplicate wake-up: its own is scheduled
    await inTransaction(db, async (tx) => {
      if (await transition(tx, n, { nextAttemptAt: due, error: inDoubtError(provider, reason, due, false) }))
        await scheduleSend(tx, n.id, n.shop.domain, due);
    });
    return false;
  }
  const attempt = facts.inDoubt?.attempt ?? n.attempts;
  const minutes = Math.round((now.getTime() - since.getTime()) / MINUTE_MS);
  return resendInDoubt(
    db,
    n,
    AUTO_RESEND_BY,
    `resent automatically ${minutes} minutes after ${provider} could not confirm attempt ${attempt} (${reason})`,
    now,
  );
}

/**
 * A message in doubt back in the queue for one more attempt (attempts keeps counting), with who resent
 * it and why recorded on the row. Conditional on the row as the caller saw it (still in doubt, same
 * attempts): a second click, or staff racing the automatic resend, changes nothing and answers false.
 */
export async function resendInDoubt(
  db: Db,
  n: Pick<Notification, "id" | "attempts" | "context"> & { shop: Pick<Shop, "domain"> },
  by: string,
  reason: string,
  now: Date,
): Promise<boolean> {
  const { inDoubt: _wasInDoubt, ...facts } = factsOf(n);
  const resends = [...(facts.resends ?? []), { attempt: n.attempts + 1, at: now.toISOString(), by, reason }];
  const resent = await inTransaction(db, async (tx) => {
    const r = await tx.notification.updateMany({
      where: { id: n.id, status: "failed", errorKind: IN_DOUBT, attempts: n.attempts },
      data: {
        status: "queued",
        errorKind: null,
        error: null,
        nextAttemptAt: now,
        context: asJson({ ...facts, resends }),
      },
    });
    if (r.count !== 1) return false;
    await scheduleSend(tx, n.id, n.shop.domain, now);
    return true;
  });
  if (resent)
    logger.info(
      { notificationId: n.id, attempt: n.attempts + 1, by: by === AUTO_RESEND_BY ? by : "staff" },
      "resending a message in doubt",
    );
  return resent;
}
