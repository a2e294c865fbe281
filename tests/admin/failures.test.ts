// The failures page's queries on SQLite and PostgreSQL: one shop's messages in doubt, failed receipts
// (each with its processing job) and dead jobs in cursor pages, newest first; resends and replays that
// never reach another shop's rows, and resend each message in doubt once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listFailures, PAGE_SIZE, replayFailures } from "~/admin/failures.server";
import { PROCESS_RECEIPT } from "~/ingest/receipt-store.server";
import { NOTIFY_SEND } from "~/notifications/outbox.server";
import { IN_DOUBT } from "~/notifications/rules/in-doubt";
import { freshDb, providers, type TestDb } from "../support/db";

const SHOP = "failures-shop.myshopify.com";
const OTHER = "other-shop.myshopify.com";
const T0 = Date.parse("2026-03-01T12:00:00Z");
const NOW = new Date("2026-03-02T09:00:00Z");
const STAFF = "staff@failures-shop.test";
const EMAIL = "alex@example.com";
const PHONE = "+14155552671";

function form(fields: Record<string, string | string[]>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) f.append(k, x);
  return f;
}

describe.each(providers)("failures on %s", (provider) => {
  let t: TestDb;
  let shop: { id: string; domain: string };
  let other: { id: string; domain: string };
  let ctx: { shop: { id: string; domain: string }; staff: string };
  let newestFirst: string[];
  let otherReceipt: string;
  let otherJob: string;
  let ownJob: string;
  /** The shop's messages in doubt, newest first. */
  let doubtNewestFirst: string[];
  let otherDoubt: string;
  let permanentFailure: string;

  beforeAll(async () => {
    t = await freshDb(provider);
    shop = await t.db.shop.create({ data: { domain: SHOP, name: "Failures" }, select: { id: true, domain: true } });
    other = await t.db.shop.create({ data: { domain: OTHER, name: "Other" }, select: { id: true, domain: true } });
    ctx = { shop, staff: STAFF };

    const receipt = (shopDomain: string, i: number, status = "failed") =>
      t.db.webhookReceipt.create({
        data: {
          webhookId: `${shopDomain}-${i}`,
          shopDomain,
          topic: "orders/updated",
          headers: {},
          rawBody: "{}",
          status,
          error: `failure ${i}`,
          attempts: 3,
          receivedAt: new Date(T0 + i * 60_000),
        },
      });
    const created = [];
    for (let i = 0; i < PAGE_SIZE + 1; i++) created.push(await receipt(SHOP, i));
    newestFirst = created.reverse().map((r) => r.id);
    await receipt(SHOP, 100, "processed");
    otherReceipt = (await receipt(OTHER, 0)).id;
    const job = (shopDomain: string) =>
      t.db.job.create({
        data: {
          kind: "notifications.send",
          payload: {},
          shopDomain,
          status: "dead",
          attempts: 8,
          lastError: "gave up",
          finishedAt: new Date(T0),
        },
      });
    ownJob = (await job(SHOP)).id;
    otherJob = (await job(OTHER)).id;

    // Processing jobs of some receipts: one retrying, one dead at once (permanent), one replayed (an
    // old dead job and a newer live one), one dead after every attempt, and a done one (never shown).
    const processing = (receiptId: string, status: string, attempts: number, createdAt: number, shopDomain = SHOP) =>
      t.db.job.create({
        data: {
          kind: PROCESS_RECEIPT,
          payload: { receiptId },
          shopDomain,
          status,
          attempts,
          maxAttempts: 8,
          lastError: status === "dead" ? "bad body" : null,
          createdAt: new Date(createdAt),
          finishedAt: status === "queued" ? null : new Date(createdAt),
        },
      });
    await processing(newestFirst[2]!, "queued", 2, T0);
    await processing(newestFirst[3]!, "dead", 1, T0);
    await processing(newestFirst[4]!, "dead", 1, T0);
    await processing(newestFirst[4]!, "queued", 0, T0 + 60_000);
    await processing(newestFirst[5]!, "dead", 8, T0);
    await processing(newestFirst[6]!, "done", 1, T0);
    await processing(otherReceipt, "dead", 1, T0, OTHER);

    // Messages: PAGE_SIZE + 1 in doubt for this shop (one SMS, one resent before, one waiting for its
    // automatic resend), a permanent failure (not in doubt), and one in doubt at another shop.
    const order = (shopId: string) =>
      t.db.order.create({
        data: {
          shopId,
          shopifyId: `${shopId}-1`,
          name: shopId === shop.id ? "#1001" : "#9001",
          orderNumber: 1001,
          processedAt: new Date(T0),
          factsAt: new Date(T0),
        },
      });
    const ownOrder = await order(shop.id);
    const otherOrder = await order(other.id);
    const notification = (shopId: string, orderId: string, i: number, data: Record<string, unknown> = {}) =>
      t.db.notification.create({
        data: {
          shopId,
          orderId,
          channel: "email",
          milestone: "delivered",
          idempotencyKey: `${shopId}:${i}`,
          status: "failed",
          errorKind: IN_DOUBT,
          recipient: EMAIL,
          attempts: 1,
          provider: "sendgrid",
          error: "in_doubt: test",
          createdAt: new Date(T0 + i * 60_000),
          context: {
            inDoubt: {
              since: new Date(T0 + i * 60_000 + 5_000).toISOString(),
              provider: "sendgrid",
              reason: "no Email Activity access",
              attempt: 1,
            },
          },
          ...data,
        },
      });
    const doubts = [];
    for (let i = 0; i < PAGE_SIZE + 1; i++) {
      const extra =
        i === 1
          ? { channel: "sms", recipient: PHONE, provider: "twilio" }
          : i === 2
            ? {
                attempts: 2,
                context: {
                  resends: [{ attempt: 2, at: new Date(T0).toISOString(), by: "someone", reason: "test" }],
                  inDoubt: {
                    since: new Date(T0 + 2 * 60_000).toISOString(),
                    provider: "sendgrid",
                    reason: "no Email Activity access",
                    attempt: 2,
                  },
                },
              }
            : i === 3
              ? { milestone: "shipped", nextAttemptAt: new Date(T0 + 3 * 60_000 + 30 * 60_000) }
              : {};
      doubts.push(await notification(shop.id, ownOrder.id, i, extra));
    }
    doubtNewestFirst = doubts.reverse().map((n) => n.id);
    permanentFailure = (await notification(shop.id, ownOrder.id, 50, { errorKind: "permanent", error: "rejected" })).id;
    otherDoubt = (await notification(other.id, otherOrder.id, 60)).id;
  });
  afterAll(async () => {
    await t.drop();
  });

  it("pages the shop's failed receipts newest first, and lists only its dead jobs", async () => {
    const first = await listFailures(shop, new URLSearchParams(), t.db);
    expect(first.receiptCount).toBe(PAGE_SIZE + 1);
    expect(first.receipts.map((r) => r.id)).toEqual(newestFirst.slice(0, PAGE_SIZE));
    expect(first.receiptsNext).toBe(newestFirst[PAGE_SIZE - 1]);
    expect(first.receipts[0]).toMatchObject({
      topic: "orders/updated",
      error: `failure ${PAGE_SIZE}`,
      receivedAt: new Date(T0 + PAGE_SIZE * 60_000).toISOString(),
    });
    // Dead processing jobs (this shop has three) are shown with their receipts, not again as jobs.
    expect(first.jobs.map((j) => j.id)).toEqual([ownJob]);
    expect(first.jobs[0]).toMatchObject({ kind: "notifications.send", permanent: false });
    expect(first.jobCount).toBe(1);
    expect(first.jobsNext).toBeNull();

    const second = await listFailures(shop, new URLSearchParams({ rcursor: first.receiptsNext! }), t.db);
    expect(second.receipts.map((r) => r.id)).toEqual(newestFirst.slice(PAGE_SIZE));
    expect(second.receiptsNext).toBeNull();
  });

  it("shows each receipt with the state of its processing job: retrying, dead (permanent or not), or none", async () => {
    const { receipts } = await listFailures(shop, new URLSearchParams(), t.db);
    const jobOf = (id: string) => receipts.find((r) => r.id === id)!.job;
    expect(jobOf(newestFirst[2]!)).toMatchObject({ status: "retrying", attempts: 2, maxAttempts: 8, permanent: false });
    expect(jobOf(newestFirst[3]!)).toMatchObject({ status: "dead", attempts: 1, maxAttempts: 8, permanent: true });
    // Replayed: the newer, live job is the one that counts.
    expect(jobOf(newestFirst[4]!)).toMatchObject({ status: "retrying", attempts: 0, permanent: false });
    expect(jobOf(newestFirst[5]!)).toMatchObject({ status: "dead", attempts: 8, permanent: false });
    expect(jobOf(newestFirst[6]!)).toBeNull(); // its job is done: nothing waiting
    expect(jobOf(newestFirst[0]!)).toBeNull();
  });

  it("lists only this shop's messages in doubt, masked, newest first, in pages of their own", async () => {
    const first = await listFailures(shop, new URLSearchParams(), t.db);
    expect(first.inDoubtCount).toBe(PAGE_SIZE + 1);
    expect(first.inDoubt.map((n) => n.id)).toEqual(doubtNewestFirst.slice(0, PAGE_SIZE));
    expect(first.inDoubt.map((n) => n.id)).not.toContain(otherDoubt);
    expect(first.inDoubt.map((n) => n.id)).not.toContain(permanentFailure);
    expect(first.inDoubtNext).toBe(doubtNewestFirst[PAGE_SIZE - 1]);
    expect(first.inDoubt[0]).toMatchObject({
      ref: `${doubtNewestFirst[0]}:1`,
      orderName: "#1001",
      milestone: "delivered",
      channel: "email",
      recipient: "a•••@example.com",
      since: new Date(T0 + PAGE_SIZE * 60_000 + 5_000).toISOString(),
      attempts: 1,
      autoResendAt: null,
      resends: 0,
    });
    expect(first.inDoubt[0]!.why).toMatch(/sendgrid cannot tell whether attempt 1 was sent: no Email Activity access/);
    // The full address and number never reach the page.
    const json = JSON.stringify(first.inDoubt);
    expect(json).not.toContain(EMAIL);
    expect(json).not.toContain(PHONE);

    // The other sections page on their own cursors: icursor moves only this one.
    const second = await listFailures(shop, new URLSearchParams({ icursor: first.inDoubtNext! }), t.db);
    expect(second.inDoubt.map((n) => n.id)).toEqual(doubtNewestFirst.slice(PAGE_SIZE));
    expect(second.inDoubtNext).toBeNull();
    expect(second.receipts.map((r) => r.id)).toEqual(first.receipts.map((r) => r.id));
    const oldest = second.inDoubt.at(-1)!;
    expect(oldest).toMatchObject({ recipient: "a•••@example.com", channel: "email" });

    const byId = new Map([...first.inDoubt, ...second.inDoubt].map((n) => [n.id, n]));
    expect(byId.get(doubtNewestFirst[PAGE_SIZE - 1]!)).toMatchObject({ channel: "sms", recipient: "•••2671" });
    expect(byId.get(doubtNewestFirst[PAGE_SIZE - 2]!)).toMatchObject({
      ref: `${doubtNewestFirst[PAGE_SIZE - 2]}:2`,
      attempts: 2,
      resends: 1,
    });
    expect(byId.get(doubtNewestFirst[PAGE_SIZE - 3]!)).toMatchObject({
      milestone: "shipped",
      autoResendAt: new Date(T0 + 33 * 60_000).toISOString(),
    });

    // Another shop sees only its own.
    const theirs = await listFailures(other, new URLSearchParams(), t.db);
    expect(theirs.inDoubt.map((n) => n.id)).toEqual([otherDoubt]);
    expect(theirs.inDoubtCount).toBe(1);
  });

  it("resends a message in doubt once, back to the queue with a wake-up due now and who resent it and why", async () => {
    const id = doubtNewestFirst[0]!;
    const r = await replayFailures(ctx, form({ intent: "resend_messages", ids: [`${id}:1`] }), t.db, NOW);
    expect(r).toEqual({ ok: true, error: null, replayed: 1, intent: "resend_messages" });

    const n = await t.db.notification.findUniqueOrThrow({ where: { id } });
    expect(n).toMatchObject({ status: "queued", errorKind: null, error: null, attempts: 1, nextAttemptAt: NOW });
    const context = n.context as { inDoubt?: unknown; resends?: unknown[] };
    expect(context.inDoubt).toBeUndefined();
    expect(context.resends).toEqual([
      {
        attempt: 2,
        at: NOW.toISOString(),
        by: STAFF,
        reason: expect.stringMatching(
          /^resent by staff after sendgrid could not confirm attempt 1 \(no Email Activity access\)$/,
        ),
      },
    ]);
    const jobs = await t.db.job.findMany({ where: { kind: NOTIFY_SEND } });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      status: "queued",
      shopDomain: SHOP,
      runAfter: NOW,
      payload: { notificationId: id },
    });

    // A second submit of the same ref (a double click, a stale page) resends nothing, and says so.
    const again = await replayFailures(
      ctx,
      form({ intent: "resend_messages", ids: [`${id}:1`] }),
      t.db,
      new Date(NOW.getTime() + 1_000),
    );
    expect(again).toEqual({
      ok: false,
      error: "1 were already resent or are no longer in doubt",
      replayed: 0,
      intent: "resend_messages",
    });
    expect(await t.db.job.count({ where: { kind: NOTIFY_SEND } })).toBe(1);
    expect(
      ((await t.db.notification.findUniqueOrThrow({ where: { id } })).context as { resends: unknown[] }).resends,
    ).toHaveLength(1);

    // It left the section; the count follows.
    const after = await listFailures(shop, new URLSearchParams(), t.db);
    expect(after.inDoubtCount).toBe(PAGE_SIZE);
    expect(after.inDoubt.map((x) => x.id)).not.toContain(id);
  });

  it("never resends another shop's message, a ref for an earlier attempt, or a message not in doubt", async () => {
    const stale = doubtNewestFirst[PAGE_SIZE - 2]!; // in doubt after attempt 2: a ref for attempt 1 is stale
    const mine = doubtNewestFirst[1]!;
    const r = await replayFailures(
      ctx,
      form({ intent: "resend_messages", ids: [`${otherDoubt}:1`, `${stale}:1`, `${permanentFailure}:1`, `${mine}:1`] }),
      t.db,
      NOW,
    );
    expect(r).toEqual({
      ok: false,
      error: "3 were already resent or are no longer in doubt",
      replayed: 1,
      intent: "resend_messages",
    });
    for (const id of [otherDoubt, stale])
      expect(await t.db.notification.findUniqueOrThrow({ where: { id } })).toMatchObject({
        status: "failed",
        errorKind: IN_DOUBT,
      });
    expect(await t.db.notification.findUniqueOrThrow({ where: { id: permanentFailure } })).toMatchObject({
      status: "failed",
      errorKind: "permanent",
    });
    expect((await t.db.notification.findUniqueOrThrow({ where: { id: mine } })).status).toBe("queued");
    const woken = (await t.db.job.findMany({ where: { kind: NOTIFY_SEND } })).map(
      (j) => (j.payload as { notificationId: string }).notificationId,
    );
    expect(woken.sort()).toEqual([doubtNewestFirst[0]!, mine].sort());
    expect(await t.db.job.count({ where: { kind: NOTIFY_SEND, shopDomain: OTHER } })).toBe(0);

    // The current ref of the stale one resends it.
    expect(
      await replayFailures(ctx, form({ intent: "resend_messages", ids: [`${stale}:2`] }), t.db, NOW),
    ).toMatchObject({ ok: true, replayed: 1 });
  });

  it("refuses malformed refs with a message naming the field, touching nothing", async () => {
    const id = doubtNewestFirst[2]!;
    const jobsBefore = await t.db.job.count();
    for (const bad of [id, `${id}:`, `${id}:one`, `${id}:-1`, `:1`, `${id} :1`, `${id}:1:2`, `${"x".repeat(65)}:1`]) {
      const r = await replayFailures(ctx, form({ intent: "resend_messages", ids: [bad] }), t.db, NOW);
      expect(r, bad).toEqual({
        ok: false,
        error: "ids: each selected message must be given as <id>:<attempts>",
        replayed: 0,
        intent: "resend_messages",
      });
    }
    // One malformed ref among good ones refuses the whole submit.
    expect(
      await replayFailures(ctx, form({ intent: "resend_messages", ids: [`${id}:1`, "nonsense"] }), t.db, NOW),
    ).toMatchObject({ ok: false, replayed: 0, error: expect.stringMatching(/^ids: /) });
    expect(await replayFailures(ctx, form({ intent: "resend_messages" }), t.db, NOW)).toEqual({
      ok: false,
      error: "Select at least one message",
      replayed: 0,
      intent: "resend_messages",
    });
    expect(await t.db.notification.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "failed",
      errorKind: IN_DOUBT,
    });
    expect(await t.db.job.count()).toBe(jobsBefore);
  });

  it("replays only this shop's rows and says how many were skipped", async () => {
    const mine = newestFirst[0]!;
    const r = await replayFailures(ctx, form({ intent: "replay_receipts", ids: [mine, otherReceipt] }), t.db, NOW);
    expect(r).toEqual({
      ok: false,
      error: "1 were already replayed or not found",
      replayed: 1,
      intent: "replay_receipts",
    });
    expect((await t.db.webhookReceipt.findUniqueOrThrow({ where: { id: mine } })).status).toBe("received");
    expect((await t.db.webhookReceipt.findUniqueOrThrow({ where: { id: otherReceipt } })).status).toBe("failed");

    expect(await replayFailures(ctx, form({ intent: "replay_jobs", ids: [otherJob] }), t.db, NOW)).toMatchObject({
      ok: false,
      replayed: 0,
    });
    expect((await t.db.job.findUniqueOrThrow({ where: { id: otherJob } })).status).toBe("dead");
    expect(await replayFailures(ctx, form({ intent: "replay_jobs", ids: [ownJob] }), t.db, NOW)).toEqual({
      ok: true,
      error: null,
      replayed: 1,
      intent: "replay_jobs",
    });
    expect(await t.db.job.findUniqueOrThrow({ where: { id: ownJob } })).toMatchObject({
      status: "queued",
      runAfter: NOW,
    });
  });

  it("refuses an empty selection or an unknown intent without touching anything", async () => {
    expect(await replayFailures(ctx, form({ intent: "replay_receipts" }), t.db)).toEqual({
      ok: false,
      error: "Select at least one",
      replayed: 0,
      intent: "replay_receipts",
    });
    const unknown = await replayFailures(ctx, form({ intent: "delete_everything", ids: [newestFirst[1]!] }), t.db);
    expect(unknown).toEqual({
      ok: false,
      error: "intent: choose replay_receipts, replay_jobs or resend_messages",
      replayed: 0,
      intent: "delete_everything",
    });
    expect(await replayFailures(ctx, form({ ids: [newestFirst[1]!] }), t.db)).toMatchObject({
      ok: false,
      replayed: 0,
      intent: null,
      error: expect.stringMatching(/^intent: /),
    });
    expect((await t.db.webhookReceipt.findUniqueOrThrow({ where: { id: newestFirst[1]! } })).status).toBe("failed");
  });
});
