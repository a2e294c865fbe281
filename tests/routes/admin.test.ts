// The admin's real route modules, as Remix calls them, against a real database: every loader and
// action authenticates through the app's own shopify.server (token exchange strategy) with requests
// signed by the library's test helpers (an id_token for documents, a Bearer session token for
// fetches), over a shop built from signed webhooks.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { RequestType, setUpValidRequest, setUpValidSession } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDashboard, parseRange } from "~/admin/dashboard.server";
import { decryptSecret } from "~/lib/crypto.server";
import { freshDb, type TestDb } from "../support/db";
import { buildStory, STORY_SHOP, type Story } from "../support/admin-story";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Fn = (args: LoaderFunctionArgs) => Promise<any>;
interface RouteModule {
  loader?: Fn;
  action?: Fn;
}

const STORE = STORY_SHOP.replace(".myshopify.com", "");
const auth = { store: STORE, apiKey: process.env.SHOPIFY_API_KEY!, apiSecretKey: process.env.SHOPIFY_API_SECRET! };

let t: TestDb;
let story: Story;
let routes: Record<string, RouteModule>;

/** A document load inside Shopify admin: embedded=1, shop, host and id_token in the URL. */
async function load(route: string, path: string, params: Record<string, string> = {}) {
  const request = await setUpValidRequest(
    { type: RequestType.Admin, ...auth },
    new Request(`https://waypoint.test${path}`),
  );
  return routes[route]!.loader!({ request, params, context: {} });
}

/** A form post from the embedded app: App Bridge adds the session token as a Bearer header. */
async function submit(
  route: string,
  path: string,
  fields: Record<string, string | string[]>,
  params: Record<string, string> = {},
) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  const request = await setUpValidRequest(
    { type: RequestType.Bearer, ...auth },
    new Request(`https://waypoint.test${path}`, { method: "POST", body }),
  );
  return routes[route]!.action!({ request, params, context: {} });
}

async function thrown(p: Promise<unknown>): Promise<Response> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Response) return e;
    throw e;
  }
  throw new Error("expected a thrown Response");
}

beforeAll(async () => {
  t = await freshDb("sqlite");
  process.env.DATABASE_URL = t.url; // read when app/db.server first builds its client
  story = await buildStory(t.db);
  const { sessionStorage } = await import("~/shopify.server");
  await sessionStorage.storeSession(setUpValidSession({ shop: STORY_SHOP, expires: undefined }));
  routes = {
    app: await import("~/routes/app"),
    index: await import("~/routes/app._index"),
    shipments: await import("~/routes/app.shipments"),
    shipment: await import("~/routes/app.shipments.$id"),
    review: await import("~/routes/app.review"),
    bottlenecks: await import("~/routes/app.bottlenecks"),
    failures: await import("~/routes/app.failures"),
    settings: await import("~/routes/app.settings"),
    api: await import("~/routes/api.order-tracking.$orderId"),
  };
});
afterAll(async () => {
  const { default: db } = await import("~/db.server");
  await db.$disconnect();
  await t.drop();
});

describe("admin routes", () => {
  it("refuses a request without Shopify's session token", async () => {
    const res = await thrown(
      routes.index!.loader!({ request: new Request("https://waypoint.test/app"), params: {}, context: {} }),
    );
    expect([302, 401]).toContain(res.status);
    const forged = await setUpValidRequest(
      { type: RequestType.Bearer, ...auth, apiSecretKey: "not-the-secret" },
      new Request("https://waypoint.test/app/settings", { method: "POST", body: new FormData() }),
    );
    expect([302, 401]).toContain(
      (await thrown(routes.settings!.action!({ request: forged, params: {}, context: {} }))).status,
    );
  });

  it("app: the frame with the API key for App Bridge, in the admin's language (Shopify's locale parameter)", async () => {
    const en = await load("app", "/app");
    expect(en).toMatchObject({ apiKey: process.env.SHOPIFY_API_KEY, locale: "en" });
    expect(en.messages["nav.settings"]).toBe("Settings");
    const fr = await load("app", "/app?locale=fr-FR");
    expect(fr).toMatchObject({ locale: "fr", messages: { "nav.settings": "Paramètres" } });
    expect(fr.polaris.Polaris.Common.cancel).toBe("Annuler");
  });

  it("dashboard: the figures of the dashboard service for the chosen dates", async () => {
    const from = new Date(story.now.getTime() - 6 * 86_400_000).toISOString().slice(0, 10);
    const to = story.now.toISOString().slice(0, 10);
    const data = await load("index", `/app?from=${from}&to=${to}`);
    const expected = await loadDashboard(
      t.db,
      STORY_SHOP,
      parseRange(new URLSearchParams({ from, to }), new Date()),
      new Date(),
    );
    expect(data.dashboard.range).toEqual(expected!.range);
    expect(data.dashboard.range.days).toBe(7);
    expect(data.dashboard.byStage).toEqual(expected!.byStage);
    expect(data.dashboard.exceptions.total).toBe(4);
    expect(data.dashboard.bottlenecks).toHaveLength(1);
    expect(data.dashboard.wismo.interactions).toBe(expected!.wismo.interactions);
  });

  it("shipments: filters, search and a cursor; the list is skipped when a shipment's page is open", async () => {
    const page1 = await load("shipments", "/app/shipments?stage=3");
    expect(page1.page.rows.length).toBe(await t.db.shipment.count({ where: { shopId: story.shopId, stage: 3 } }));
    const found = await load("shipments", "/app/shipments?q=cleo%40example.com");
    expect(found.page.rows.map((r: { orderName: string }) => r.orderName)).toEqual(["#2003"]);
    expect(found.filtered).toBe(true);
    const first = (await load("shipments", "/app/shipments")).page;
    expect(first.rows).toHaveLength(25);
    const second = (await load("shipments", `/app/shipments?cursor=${first.nextCursor}&direction=next`)).page;
    expect(second.rows[0].id).not.toBe(first.rows[0].id);
    expect(second.previousCursor).toBe(second.rows[0].id);
    const child = await load("shipments", `/app/shipments/${story.shipmentIdByOrder.get(2001)}`);
    expect(child.page).toBeNull();
  });

  it("shipments: the bulk action resends the current update of each selected shipment", async () => {
    const ids = [story.shipmentIdByOrder.get(2002)!, story.shipmentIdByOrder.get(2001)!];
    const before = await t.db.notification.count({ where: { shipmentId: { in: ids } } });
    const r = await submit("shipments", "/app/shipments", { intent: "resend", ids });
    expect(r.resent + r.failed.length).toBe(2);
    expect(r.resent).toBeGreaterThanOrEqual(1);
    expect(await t.db.notification.count({ where: { shipmentId: { in: ids } } })).toBeGreaterThan(before);
    const none = await submit("shipments", "/app/shipments", { intent: "resend" });
    expect(none).toMatchObject({ ok: false, error: "Select at least one shipment" });
    const foreign = await submit("shipments", "/app/shipments", { intent: "resend", ids: ["not-ours"] });
    expect(foreign).toMatchObject({ resent: 0, failed: [{ id: "not-ours" }] });
  });

  it("shipment: timeline, events, notifications and the order's admin link; 404 for another shop's id", async () => {
    const id = story.shipmentIdByOrder.get(2001)!;
    const { detail } = await load("shipment", `/app/shipments/${id}`, { id });
    expect(detail.order.name).toBe("#2001");
    expect(detail.order.adminUrl).toMatch(/^shopify:\/\/admin\/orders\/\d+$/);
    expect(detail.events).toHaveLength(await t.db.trackingEvent.count({ where: { shipmentId: id } }));
    expect(detail.timeline[0].label).toBe("Delivered");
    expect(detail.notifications.length).toBe(await t.db.notification.count({ where: { shipmentId: id } }));
    expect((await thrown(load("shipment", "/app/shipments/nope", { id: "nope" }))).status).toBe(404);
  });

  it("shipment: a personal update is validated, then sent with its note", async () => {
    const id = story.shipmentIdByOrder.get(2004)!;
    const empty = await submit("shipment", `/app/shipments/${id}`, { intent: "personal_update", note: "   " }, { id });
    expect(empty).toMatchObject({ ok: false, fieldErrors: { note: "Write a note for the customer" } });
    const sent = await submit(
      "shipment",
      `/app/shipments/${id}`,
      { intent: "personal_update", note: "So sorry about the wait: it is on its way." },
      { id },
    );
    expect(sent).toMatchObject({ ok: true, message: "Personal update sent" });
    expect(await t.db.notification.count({ where: { shipmentId: id, personalNote: { contains: "So sorry" } } })).toBe(
      1,
    );
  });

  it("review: drafts listed oldest first, approved and discarded singly and in bulk", async () => {
    const data = await load("review", "/app/review");
    const drafts = await t.db.notification.findMany({
      where: { shopId: story.shopId, status: "draft" },
      orderBy: { createdAt: "asc" },
    });
    expect(data.total).toBe(drafts.length);
    expect(data.drafts.map((d: { id: string }) => d.id)).toEqual(drafts.map((d) => d.id).slice(0, 25));
    const [a, b] = drafts;
    const editing = await load("review", `/app/review?edit=${a!.id}`);
    expect(editing.editing.id).toBe(a!.id);
    const tooLong = await submit("review", "/app/review", {
      intent: "approve_edited",
      ids: a!.id,
      personalNote: "x".repeat(1001),
    });
    expect(tooLong.fieldErrors.personalNote).toMatch(/1,000/);
    expect(
      await submit("review", "/app/review", {
        intent: "approve_edited",
        ids: a!.id,
        personalNote: "Thanks for waiting!",
      }),
    ).toMatchObject({ ok: true, done: 1 });
    expect(await t.db.notification.findUniqueOrThrow({ where: { id: a!.id } })).toMatchObject({
      personalNote: "Thanks for waiting!",
    });
    expect((await t.db.notification.findUniqueOrThrow({ where: { id: a!.id } })).status).not.toBe("draft");
    expect(await submit("review", "/app/review", { intent: "discard", ids: [b!.id] })).toMatchObject({
      ok: true,
      done: 1,
    });
    expect((await t.db.notification.findUniqueOrThrow({ where: { id: b!.id } })).status).toBe("discarded");
    const again = await submit("review", "/app/review", { intent: "approve", ids: [a!.id, b!.id] });
    expect(again).toMatchObject({ ok: false, done: 0 });
  });

  it("bottlenecks: the stalled lane with the fastest alternative", async () => {
    const { result } = await load("bottlenecks", "/app/bottlenecks");
    expect(result.flags).toHaveLength(1);
    expect(result.flags[0]).toMatchObject({
      carrierName: "UPS",
      regionName: "Ohio",
      fastest: { carrierName: "FedEx" },
    });
  });

  it("failures: failed webhooks and dead jobs with their reasons, replayed on request", async () => {
    const data = await load("failures", "/app/failures");
    expect(data.receiptCount).toBe(1);
    expect(data.receipts[0]).toMatchObject({ topic: "orders/updated" });
    expect(data.receipts[0].error).toBeTruthy();
    // The unparseable webhook is a permanent error: its job is dead after one attempt, and shown with its
    // receipt (one bad webhook reads as one problem), not again among the dead jobs beside the send.
    expect(data.receipts[0].job).toMatchObject({ status: "dead", attempts: 1, permanent: true });
    expect(data.jobs.map((j: { kind: string }) => j.kind)).toEqual(["notifications.send"]);
    const sendJob = data.jobs.find((j: { kind: string }) => j.kind === "notifications.send");
    expect(sendJob).toMatchObject({ lastError: "Twilio: 21610 unsubscribed recipient" });
    const r1 = await submit("failures", "/app/failures", { intent: "replay_receipts", ids: [data.receipts[0].id] });
    expect(r1).toMatchObject({ ok: true, replayed: 1 });
    expect((await t.db.webhookReceipt.findUniqueOrThrow({ where: { id: data.receipts[0].id } })).status).toBe(
      "received",
    );
    const r2 = await submit("failures", "/app/failures", { intent: "replay_jobs", ids: [sendJob.id] });
    expect(r2).toMatchObject({ ok: true, replayed: 1 });
    expect((await t.db.job.findUniqueOrThrow({ where: { id: sendJob.id } })).status).toBe("queued");
    expect(await submit("failures", "/app/failures", { intent: "replay_jobs", ids: [sendJob.id] })).toMatchObject({
      replayed: 0,
    });
  });

  it("settings: the form never carries a secret; saving validates on the server and encrypts credentials", async () => {
    const data = await load("settings", "/app/settings");
    expect(data.settings.costPerTicket).toBe("6.00");
    expect(data.preview.html).toContain("<html");
    const bad = await submit("settings", "/app/settings", {
      intent: "save",
      brandPrimaryColor: "red",
      brandAccentColor: "#2e7d32",
      notificationMode: "automated",
      quietHoursStart: "21",
      quietHoursEnd: "8",
      recommendationSource: "related",
      costPerTicket: "6",
      noScanAlertDays: "4",
      receiptRetentionDays: "14",
      jobRetentionDays: "7",
    });
    expect(bad).toMatchObject({ intent: "save", ok: false });
    expect(bad.fieldErrors.brandPrimaryColor).toMatch(/hex/);
    const key = "SG.routeTestKey0001.abcdefghijklmnopqrstuvwxyz";
    const good = await submit("settings", "/app/settings", {
      intent: "save",
      brandPrimaryColor: "#123456",
      brandAccentColor: "#2e7d32",
      notificationMode: "hybrid",
      quietHoursStart: "21",
      quietHoursEnd: "8",
      recommendationSource: "related",
      costPerTicket: "8.50",
      noScanAlertDays: "4",
      receiptRetentionDays: "14",
      jobRetentionDays: "7",
      sendgridApiKey: key,
      "channel.shipped.email": "on",
    });
    expect(good).toEqual({ intent: "save", ok: true, fieldErrors: {} });
    const shop = await t.db.shop.findUniqueOrThrow({ where: { domain: STORY_SHOP } });
    expect(shop).toMatchObject({ brandPrimaryColor: "#123456", notificationMode: "hybrid", costPerTicketCents: 850 });
    expect(decryptSecret(shop.sendgridApiKeyEnc!)).toBe(key);
    const reloaded = await load("settings", "/app/settings");
    expect(JSON.stringify(reloaded)).not.toContain(key);
    expect(reloaded.settings.secrets.sendgridApiKey).toBe("••••wxyz");
  });

  it("settings: live preview with unsaved branding (nothing saved), and a validated test send", async () => {
    const preview = await submit("settings", "/app/settings", {
      intent: "preview",
      milestone: "delivered",
      brandPrimaryColor: "#ff0000",
    });
    expect(preview.intent).toBe("preview");
    expect(preview.preview.html.toLowerCase()).toContain("#ff0000");
    expect(preview.preview.sms).toBeNull();
    expect((await t.db.shop.findUniqueOrThrow({ where: { domain: STORY_SHOP } })).brandPrimaryColor).toBe("#123456");
    const sms = await submit("settings", "/app/settings", { intent: "preview", milestone: "out_for_delivery" });
    expect(sms.preview.sms.segments).toBeGreaterThanOrEqual(1);
    const badTo = await submit("settings", "/app/settings", {
      intent: "test_send",
      milestone: "shipped",
      channel: "email",
      to: "nope",
    });
    expect(badTo).toMatchObject({ ok: false, fieldErrors: { "test.to": "Enter an email address" } });
    // Without the shop's own SendGrid key, the dev outbox stands in for the provider.
    await t.db.shop.update({ where: { domain: STORY_SHOP }, data: { sendgridApiKeyEnc: null } });
    const ok = await submit("settings", "/app/settings", {
      intent: "test_send",
      milestone: "shipped",
      channel: "email",
      to: "me@example.com",
    });
    expect(ok).toMatchObject({ intent: "test_send", ok: true });
    expect(await t.db.outboxMessage.count({ where: { to: "me@example.com" } })).toBe(1);
  });

  it("order-tracking API: the order-details block's data, with CORS, for a session token", async () => {
    const order = await t.db.order.findFirstOrThrow({ where: { shopId: story.shopId, orderNumber: 2006 } });
    const request = await setUpValidRequest(
      { type: RequestType.Bearer, ...auth },
      new Request(`https://waypoint.test/api/order-tracking/${order.shopifyId}`, {
        headers: { Origin: "https://extensions.shopifycdn.com" },
      }),
    );
    const res: Response = await routes.api!.loader!({
      request,
      params: { orderId: `gid://shopify/Order/${order.shopifyId}` },
      context: {},
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeTruthy();
    const body = await res.json();
    expect(body).toMatchObject({ found: true, orderName: "#2006" });
    expect(body.shipments[0].timeline[0].label).toMatch(/Delivery problem/);
    // The block asks in the admin's language.
    const fr = await setUpValidRequest(
      { type: RequestType.Bearer, ...auth },
      new Request(`https://waypoint.test/api/order-tracking/${order.shopifyId}?locale=fr`),
    );
    const frBody = await (
      await routes.api!.loader!({ request: fr, params: { orderId: order.shopifyId }, context: {} })
    ).json();
    expect(frBody.shipments[0].timeline[0].label).not.toBe(body.shipments[0].timeline[0].label);
    expect(frBody.statusLabel).not.toBe(body.statusLabel);
    const missing = await setUpValidRequest(
      { type: RequestType.Bearer, ...auth },
      new Request("https://waypoint.test/api/order-tracking/1"),
    );
    expect((await routes.api!.loader!({ request: missing, params: { orderId: "1" }, context: {} })).status).toBe(404);
  });
});
