// End to end against the demo, as a newcomer sees it: `startDemo` builds (when stale) and starts the
// production app behind the local Shopify front door on a temporary SQLite file and a free port, seeds
// a small shop through the real webhook endpoints, then headless Chromium checks that
//   - the admin dashboard's stage figures equal the database's,
//   - a storefront lookup (the theme block, through the signed app proxy) shows the order's stage,
//   - the "shipped" email for that order is in the dev outbox.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemo, type Demo } from "../../scripts/demo/run";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(`demo e2e skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);

// A desktop browser's user agent: the admin (Shopify's library) turns bots away, and headless
// Chromium's default agent says "HeadlessChrome".
const USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

describe.skipIf(!haveChromium)("npm run demo, end to end in Chromium", () => {
  let demo: Demo;
  let ctx: BrowserContext;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "waypoint-demo-e2e-"));
    demo = await startDemo({
      orders: 24,
      port: 0,
      databaseUrl: `file:${path.join(dir, "demo.sqlite")}`,
      fresh: true,
      seed: "e2e",
      replay: false, // the figures must stand still while they are compared
      interactive: false,
      env: { ...process.env, LOG_LEVEL: "warn" },
    });
    ctx = await chromium.launchPersistentContext(path.join(dir, "chromium"), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
      userAgent: USER_AGENT,
      viewport: { width: 1280, height: 900 },
    });
    page = ctx.pages()[0] ?? (await ctx.newPage());
  }, 180_000);

  afterAll(async () => {
    await ctx?.close();
    await demo?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("seeded every webhook through the real endpoints, and the worker processed them all", async () => {
    expect(demo.stats.seed.webhooks).toBeGreaterThan(200);
    expect(demo.stats.sender.failed).toBe(0);
    expect(demo.stats.sender.duplicates).toBeGreaterThan(0);
    const unprocessed = await demo.db.webhookReceipt.count({ where: { status: { not: "processed" } } });
    expect(unprocessed).toBe(0);
    // Redeliveries were recognised as duplicates: one receipt per webhook id.
    expect(await demo.db.webhookReceipt.count()).toBe(demo.stats.seed.webhooks);
  });

  it("shows the dashboard's stage figures equal to the database's", async () => {
    const shop = await demo.db.shop.findUniqueOrThrow({ where: { domain: demo.shop } });
    const [confirmed, rows] = await Promise.all([
      demo.db.order.count({ where: { shopId: shop.id, stage: 1, cancelledAt: null } }),
      demo.db.shipment.groupBy({
        by: ["stage"],
        where: { shopId: shop.id, cancelledAt: null },
        _count: { _all: true },
      }),
    ]);
    const expected: Record<string, number> = {
      Confirmed: confirmed,
      "Label created": 0,
      "In transit": 0,
      Delivery: 0,
      Returns: 0,
    };
    const names = ["", "", "Label created", "In transit", "Delivery", "Returns"];
    for (const r of rows) if (r.stage >= 2) expected[names[r.stage] as string] = r._count._all;
    expect(Object.values(expected).reduce((a, b) => a + b, 0)).toBeGreaterThan(20);

    const res = await page.goto(`${demo.url}/app`, { waitUntil: "networkidle" });
    expect(res?.status()).toBe(200);
    const card = page
      .locator("div", { hasText: /^Shipments by stage/ })
      .filter({ hasText: "Returns" })
      .last();
    const text = await card.innerText();
    const shown: Record<string, number> = {};
    for (const label of Object.keys(expected)) {
      const m = text.match(new RegExp(`${label}\\s*\\n\\s*([\\d,]+)`));
      shown[label] = m ? Number((m[1] as string).replace(/,/g, "")) : NaN;
    }
    expect(shown).toEqual(expected);
  });

  it("finds an order on the storefront tracking page and shows its stage", async () => {
    // An order with one outbound shipment, moving or delivered, whose shipped email went out.
    const candidates = await demo.db.order.findMany({
      where: { cancelledAt: null, stage: { in: [3, 4] }, shipments: { some: {} } },
      include: {
        shipments: true,
        notifications: { where: { milestone: "shipped", channel: "email", status: "sent" } },
      },
      orderBy: [{ stage: "asc" }, { orderNumber: "asc" }], // in transit first
    });
    const order = candidates.find((o) => o.shipments.length === 1 && o.notifications.length > 0);
    expect(order, "a seeded order with one shipment and a sent shipped email").toBeTruthy();
    if (!order) return;
    const shipment = order.shipments[0] as (typeof order.shipments)[number];

    await page.goto(`${demo.url}/pages/track-order`, { waitUntil: "load" });
    await page.getByLabel("Order number").fill(order.name);
    await page.getByLabel("Email or phone number").fill(order.email ?? "");
    await page.getByRole("button", { name: "Track order" }).click();
    const result = page.locator("[data-wpt-result]");
    await result.waitFor({ state: "visible", timeout: 15_000 });
    await expect.poll(() => result.innerText(), { timeout: 10_000 }).toContain(order.name);
    // One shipment: one visible progress bar (the order-level one is for orders still waiting).
    const bars = result.locator("[role=progressbar]").filter({ visible: true });
    expect(await bars.count()).toBe(1);
    expect(await bars.first().getAttribute("aria-valuenow")).toBe(String(shipment.stage));
    await page.screenshot({ path: path.join("test-results", "demo-storefront.png") });
    if (shipment.primaryTracking) expect(await result.innerText()).toContain(shipment.primaryTracking);

    // The shipped email for that order, in the dev outbox.
    const shipped = order.notifications[0] as (typeof order.notifications)[number];
    await page.goto(`${demo.url}/outbox?channel=email&q=${encodeURIComponent(order.email ?? "")}`, {
      waitUntil: "load",
    });
    const emails = page.locator(`article[data-channel=email][data-to="${order.email}"]`);
    expect(await emails.count()).toBeGreaterThan(0);
    const subjects = await emails.locator(".subject").allInnerTexts();
    expect(subjects).toContain(shipped.subject);
    expect(shipped.subject).toContain(order.name);
    const row = await demo.db.outboxMessage.findFirst({ where: { notificationId: shipped.id } });
    expect(row?.to).toBe(order.email);
  });

  it("recommends the shop's products under the tracker, served by the demo's storefront as Shopify serves them", async () => {
    const order = await demo.db.order.findFirstOrThrow({
      where: { cancelledAt: null, stage: { in: [3, 4] }, shipments: { some: {} } },
      orderBy: { orderNumber: "asc" },
    });
    type Answer = { recommendations?: { url: string; image: string | null; title: string }[] };
    const lookup = async (): Promise<Answer> => {
      const res = await fetch(`${demo.url}/apps/track/api/lookup`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ order: order.name, email: order.email }),
      });
      return res.ok ? ((await res.json()) as Answer) : {};
    };
    // The first lookup may answer before the cold fetch finishes (it never waits long); the cache then serves them.
    let recs: NonNullable<Answer["recommendations"]> = [];
    await expect
      .poll(async () => (recs = (await lookup()).recommendations ?? []).length, { timeout: 30_000, interval: 500 })
      .toBeGreaterThan(0);
    for (const r of recs) {
      expect(r.url).toMatch(/^\/products\/[a-z0-9-]+/);
      expect(r.image).toMatch(new RegExp(`^${demo.url}/cdn/shop/products/`));
      expect((await fetch(r.image!)).status).toBe(200);
      expect((await fetch(`${demo.url}${r.url}`)).status).toBe(200);
    }
  });

  it("screenshots every admin page and the storefront at 1440 and 390 px: no console error, nothing wider than the screen", async () => {
    const order = await demo.db.order.findFirstOrThrow({
      where: { cancelledAt: null, stage: { in: [3, 4] }, shipments: { some: {} } },
      include: { shipments: { take: 1 } },
      orderBy: { orderNumber: "asc" },
    });
    const pages: [string, string][] = [
      ["overview", "/app"],
      ["shipments", "/app/shipments"],
      ["shipment", `/app/shipments/${order.shipments[0]!.id}`],
      ["review", "/app/review"],
      ["bottlenecks", "/app/bottlenecks"],
      ["failures", "/app/failures"],
      ["settings", "/app/settings"],
      ["outbox", "/outbox"],
    ];
    const out = process.env.WAYPOINT_SCREENSHOTS_DIR ?? path.join("test-results", "screenshots");
    fs.mkdirSync(out, { recursive: true });
    const problems: string[] = [];
    // Resources of Shopify's CDN (fonts, App Bridge) cannot be reached from a machine offline: not the app's errors.
    const offline =
      /cdn\.shopify\.com|Failed to load resource: net::ERR_(NAME_NOT_RESOLVED|INTERNET_DISCONNECTED|CONNECTION_REFUSED)/;
    for (const [width, height] of [
      [1440, 900],
      [390, 844],
    ] as const) {
      const tab = await ctx.newPage();
      await tab.setViewportSize({ width, height });
      let where = "";
      tab.on("console", (m) => {
        if (m.type() === "error" && !offline.test(`${m.text()} ${m.location().url}`))
          problems.push(`${where} @${width}: console: ${m.text()} (${m.location().url})`);
      });
      tab.on("pageerror", (e) => problems.push(`${where} @${width}: ${e.message}`));
      const check = async (name: string) => {
        const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 1) problems.push(`${name} @${width}: ${overflow}px wider than the screen`);
        await tab.screenshot({ path: path.join(out, `${name}-${width}.png`), fullPage: false });
      };
      for (const [name, url] of pages) {
        where = name;
        const res = await tab.goto(`${demo.url}${url}`, { waitUntil: "networkidle" });
        if (res?.status() !== 200) problems.push(`${name} @${width}: HTTP ${res?.status()}`);
        await check(name);
      }
      where = "tracking page";
      await tab.goto(`${demo.url}/pages/track-order`, { waitUntil: "load" });
      await tab.getByLabel("Order number").fill(order.name);
      await tab.getByLabel("Email or phone number").fill(order.email ?? "");
      await tab.getByRole("button", { name: "Track order" }).click();
      await tab.locator("[data-wpt-result]").waitFor({ state: "visible", timeout: 15_000 });
      await tab.waitForLoadState("networkidle");
      await check("tracking");
      await tab.close();
    }
    expect(problems).toEqual([]);
  }, 180_000);
});
