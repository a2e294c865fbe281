// The admin end to end in headless Chromium: the production build served by server.mjs (npm start) behind the
// demo's front door (scripts/demo/front.ts plays Shopify's part: a session token on every /app
// request, App Bridge's script replaced by a local stand-in), over a shop built from signed webhooks.
// Each main page is screenshotted to test-results/admin-<page>.png, and the figures it shows are
// compared with the database's.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatDays, formatMoney, formatNumber, formatPercent } from "~/components/format";
import { loadDashboard, parseRange } from "~/admin/dashboard.server";
import { buildApp, buildIsStale, freePort, startApp, type AppServer } from "../../scripts/demo/server";
import { startFrontDoor, type FrontDoor } from "../../scripts/demo/front";
import { freshDb, type TestDb } from "../support/db";
import { buildStory, STORY_SHOP, type Story } from "../support/admin-story";

const CHROMIUM = "/usr/bin/chromium";
const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium && !process.env.CI)
  console.warn(`[e2e] ${CHROMIUM} is missing: apt-get install -y chromium to run the browser test`);
const SHOTS = path.resolve("test-results");

describe.skipIf(!haveChromium && !process.env.CI)("admin in Chromium", () => {
  let t: TestDb;
  let story: Story;
  let app: AppServer;
  let front: FrontDoor;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (buildIsStale()) buildApp(() => {});
    t = await freshDb("sqlite");
    story = await buildStory(t.db);
    await t.db.session.create({
      data: {
        id: `offline_${STORY_SHOP}`,
        shop: STORY_SHOP,
        state: "",
        isOnline: false,
        scope: "read_orders",
        accessToken: "e2e-offline-token",
      },
    });
    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}`;
    const apiKey = process.env.SHOPIFY_API_KEY!;
    const secret = process.env.SHOPIFY_API_SECRET!;
    front = await startFrontDoor({ appUrl, shop: STORY_SHOP, apiKey, secret, db: t.db, port: 0 });
    app = await startApp({
      port,
      env: {
        DATABASE_URL: t.url,
        SHOPIFY_API_KEY: apiKey,
        SHOPIFY_API_SECRET: secret,
        SHOPIFY_APP_URL: front.url,
        ENCRYPTION_KEY: process.env.ENCRYPTION_KEY!,
        TRACKING_LINK_SECRET: process.env.TRACKING_LINK_SECRET!,
        WORKER: "off",
        LOG_LEVEL: "warn",
      },
    });
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "waypoint-admin-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
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
      viewport: { width: 1400, height: 1000 },
      timezoneId: "UTC",
      // authenticate.admin answers bots (HeadlessChrome's default user agent) with 410 Gone.
      userAgent:
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
      locale: "en-US",
      reducedMotion: "reduce", // charts drawn at rest for the screenshot
    });
    // No third-party network: Shopify's CDN (fonts) is not needed for the pages to render.
    await context.route(/^https:\/\/cdn\.shopify\.com\//, (r) =>
      r.fulfill({ status: 200, contentType: "text/css", body: "" }),
    );
    page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
  }, 240_000);

  afterAll(async () => {
    await context?.close();
    await app?.stop();
    await front?.close();
    await t?.drop();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  async function open(pathname: string, ready: string) {
    const res = await page.goto(`${front.url}${pathname}`, { waitUntil: "networkidle" });
    expect(res?.status(), `${pathname}: ${app.output().slice(-2000)}`).toBe(200);
    await page.waitForSelector(ready, { timeout: 15_000 });
  }

  async function shot(name: string) {
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, `admin-${name}.png`), fullPage: true });
  }

  /** Every `data-figure` on the page: name → text shown. */
  async function figures(): Promise<Record<string, string>> {
    return page.$$eval("[data-figure]", (els) =>
      Object.fromEntries(els.map((e) => [e.getAttribute("data-figure")!, (e.textContent ?? "").trim()])),
    );
  }

  it("dashboard: stages, exceptions, on-time rate, medians, WISMO, cross-sell and notifications as in the database", async () => {
    await open("/app", "[data-figure='stage-1']");
    // The charts mount after hydration (polaris-viz measures the DOM).
    await page.waitForSelector("[data-chart='stages'] svg", { state: "attached", timeout: 15_000 });
    await page.waitForTimeout(500); // their entry animation
    await shot("dashboard");
    const f = await figures();
    const now = new Date();
    const d = (await loadDashboard(t.db, STORY_SHOP, parseRange(new URLSearchParams(), now), now))!;
    // Stages straight from the tables.
    expect(f["stage-1"]).toBe(
      formatNumber(await t.db.order.count({ where: { shopId: story.shopId, stage: 1, cancelledAt: null } })),
    );
    for (const stage of [2, 3, 4, 5]) {
      expect(f[`stage-${stage}`], `stage ${stage}`).toBe(
        formatNumber(await t.db.shipment.count({ where: { shopId: story.shopId, stage, cancelledAt: null } })),
      );
    }
    expect(f["exceptions-delayed"]).toBe(
      formatNumber(
        await t.db.shipment.count({
          where: { shopId: story.shopId, delayed: true, deliveredAt: null, cancelledAt: null },
        }),
      ),
    );
    expect(f["exceptions-attempted"]).toBe("1");
    expect(f["exceptions-failure"]).toBe("1");
    expect(f["exceptions-no-scan"]).toBe("1");
    expect(f["on-time-rate"]).toBe(formatPercent(d.onTime.rate));
    expect(f["on-time-with-window"]).toBe(formatNumber(d.onTime.withWindow));
    expect(f["median-deliver-ups"]).toBe(formatDays(d.carriers.find((c) => c.carrier === "ups")!.shipToDeliverHours));
    expect(f["median-ship-all"]).toBe(formatDays(d.carriers.find((c) => c.carrier === "")!.orderToShipHours));
    // Storefront analytics and attributed revenue.
    expect(f["wismo-page-views"]).toBe(
      formatNumber(await t.db.analyticsEvent.count({ where: { shopId: story.shopId, kind: "page_view" } })),
    );
    expect(f["wismo-lookups"]).toBe(
      formatNumber(await t.db.analyticsEvent.count({ where: { shopId: story.shopId, kind: "lookup" } })),
    );
    expect(f["wismo-tickets"]).toBe(formatNumber(d.wismo.ticketsAvoided));
    expect(f["wismo-cost"]).toBe(formatMoney(d.wismo.costAvoidedCents, "USD"));
    expect(f["xsell-impressions"]).toBe("12");
    expect(f["xsell-revenue"]).toBe(
      formatMoney((await t.db.attributedOrder.aggregate({ _sum: { revenueCents: true } }))._sum.revenueCents!, "USD"),
    );
    // Notifications per channel.
    for (const channel of ["email", "sms"]) {
      for (const status of ["sent", "failed", "suppressed"]) {
        expect(f[`notif-${channel}-${status}`], `${channel} ${status}`).toBe(
          formatNumber(await t.db.notification.count({ where: { shopId: story.shopId, channel, status } })),
        );
      }
    }
    expect(f["sms-segments"]).toBe(formatNumber(d.notifications.smsSegments));
    for (const c of d.notifications.byChannel)
      expect(f[`notif-${c.channel}-not-delivered`], `${c.channel} not delivered`).toBe(formatNumber(c.notDelivered));
    // The bottleneck banner and the help text with the estimate's formula.
    await expect(
      page
        .getByText(/UPS is stalling in Ohio/)
        .first()
        .isVisible(),
    ).resolves.toBe(true);
    await expect(
      page
        .getByText(/Estimated tickets avoided =/)
        .first()
        .isVisible(),
    ).resolves.toBe(true);
  });

  it("shipments: the IndexTable with filters and search", async () => {
    await open("/app/shipments", "table");
    await shot("shipments");
    const rows = await page.$$("tbody tr");
    expect(rows.length).toBe(Math.min(25, await t.db.shipment.count({ where: { shopId: story.shopId } })));
    await open("/app/shipments?exception=any", "table");
    const orders = await page.$$eval("tbody tr td a", (as) => as.map((a) => a.textContent?.trim()));
    expect(orders.sort()).toEqual(["#2003", "#2004", "#2005", "#2006"]);
  });

  it("shipment detail: the shopper's timeline, every event and the notifications", async () => {
    const id = story.shipmentIdByOrder.get(2001)!;
    await open(`/app/shipments/${id}`, "[data-figure='timeline']");
    await shot("detail");
    const timeline = await page.$$("[data-figure='timeline'] li");
    expect(timeline.length).toBeGreaterThanOrEqual(2);
    expect(await page.textContent("[data-figure='timeline'] li")).toContain("Delivered");
    const events = await t.db.trackingEvent.count({ where: { shipmentId: id } });
    await expect(page.getByText(`Every event (${events})`).isVisible()).resolves.toBe(true);
    const orderLink = await page.$("a[href^='shopify://admin/orders/']");
    expect(orderLink).not.toBeNull();
    // Messages the dev outbox kept say so: they never reached the customer.
    const kept = await t.db.notification.count({
      where: { shipmentId: id, status: "sent", provider: "dev-outbox", deliveryStatus: null },
    });
    expect(kept).toBeGreaterThan(0);
    expect(await page.$$("[data-delivery='outbox']")).toHaveLength(kept);
    expect(await page.textContent("[data-delivery='outbox']")).toContain("Outbox only");
  });

  it("shipment detail: each message's delivery report, with the provider's reason", async () => {
    const id = story.shipmentIdByOrder.get(2001)!;
    const [email, sms] = await t.db.notification.findMany({
      where: { shipmentId: id, status: "sent" },
      orderBy: { channel: "asc" },
    });
    await t.db.notification.update({
      where: { id: email!.id },
      data: { deliveryStatus: "bounced", deliveryError: "bounce 5.1.1: user unknown", deliveryUpdatedAt: new Date() },
    });
    await t.db.notification.update({
      where: { id: sms!.id },
      data: { deliveryStatus: "delivered", deliveryUpdatedAt: new Date() },
    });
    try {
      await open(`/app/shipments/${id}`, "[data-delivery='bounced']");
      await shot("detail-delivery");
      expect(await page.textContent("[data-delivery='bounced']")).toContain("Bounced");
      expect(await page.textContent("[data-delivery='bounced']")).toContain("bounce 5.1.1: user unknown");
      expect(await page.textContent("[data-delivery='delivered']")).toContain("Delivered");
    } finally {
      await t.db.notification.updateMany({
        where: { shipmentId: id },
        data: { deliveryStatus: null, deliveryError: null, deliveryUpdatedAt: null },
      });
    }
  });

  it("the delivery report webhooks reach their routes through the production server, and refuse unsigned reports", async () => {
    for (const p of ["/webhooks/twilio/status", "/webhooks/sendgrid"]) {
      const res = await fetch(`${app.url}${p}`, {
        method: "POST",
        headers: { "Content-Type": p.includes("twilio") ? "application/x-www-form-urlencoded" : "application/json" },
        body: p.includes("twilio") ? "MessageSid=SM1&MessageStatus=delivered" : "[]",
      });
      expect(res.status, p).toBe(403);
    }
  });

  it("review queue: the drafts waiting", async () => {
    await open("/app/review", "table");
    await shot("review");
    const drafts = await t.db.notification.count({ where: { shopId: story.shopId, status: "draft" } });
    expect(await page.$$("tbody tr")).toHaveLength(Math.min(drafts, 25));
    // In German when Shopify opens the app in German: the page's strings, the nav's and Polaris's own.
    await open("/app/review?locale=de", "table");
    expect(await page.getAttribute("html", "lang")).toBe("de");
    await page
      .getByText(drafts === 1 ? "1 Entwurf wartet" : `${drafts} Entwürfe warten`)
      .first()
      .waitFor();
    expect(await page.getByRole("columnheader", { name: "Bestellung" }).count()).toBe(1);
  });

  it("bottlenecks: the stalled lane and the fastest carrier there", async () => {
    await open("/app/bottlenecks", "table");
    await shot("bottlenecks");
    const f = await figures();
    const inTransit = await t.db.shipment.count({
      where: { shopId: story.shopId, stage: 3, carrier: "UPS", destRegion: "US-OH", deliveredAt: null },
    });
    expect(f["flag-ups-US-OH-shipments"]).toBe(formatNumber(inTransit));
    await expect(
      page
        .getByText(/FedEx \(/)
        .first()
        .isVisible(),
    ).resolves.toBe(true);
  });

  it("settings: the form with the stored values, never a secret, and the template preview", async () => {
    await open("/app/settings", "form");
    // The email preview is drawn in a shadow root after hydration.
    await page.waitForFunction(() =>
      (document.querySelector("[data-preview='email']")?.shadowRoot?.textContent ?? "").includes("#1001"),
    );
    await shot("settings");
    const shop = await t.db.shop.findUniqueOrThrow({ where: { domain: STORY_SHOP } });
    expect(await page.inputValue("input[name='costPerTicket']")).toBe((shop.costPerTicketCents / 100).toFixed(2));
    expect(await page.inputValue("input[name='brandPrimaryColor']")).toBe(shop.brandPrimaryColor);
    expect(await page.inputValue("input[name='sendgridApiKey']")).toBe("");
    // Settings › Integrations (issue 21): its own form, each destination's status, the key never shown.
    expect(await page.getByRole("heading", { name: "Integrations" }).isVisible()).toBe(true);
    expect(await page.inputValue("input[name='klaviyoPrivateKey']")).toBe("");
    expect(await page.getByText("Shopify Flow", { exact: true }).isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Save integrations" }).isVisible()).toBe(true);
  });

  it("settings in the admin's language (Shopify's locale parameter): French labels, and the copy editor previews, refuses a bad template, saves and resets", async () => {
    await open("/app/settings?locale=fr", "form");
    expect(await page.getAttribute("html", "lang")).toBe("fr");
    await page.getByText("Textes des messages").first().waitFor();
    expect(await page.getByText("Image de marque").count()).toBeGreaterThan(0);
    await page.getByLabel("Langue").selectOption("fr");
    const shop = await t.db.shop.findUniqueOrThrow({ where: { domain: STORY_SHOP } });

    // A template with an unknown variable: its message instead of a preview, nothing stored.
    await page.getByLabel("Objet", { exact: true }).fill("Colis {{ numero }}");
    await page.getByText('Subject: unknown variable "numero"').first().waitFor({ timeout: 15_000 });
    expect(await t.db.messageCopy.count({ where: { shopId: shop.id } })).toBe(0);

    // Good copy: the live preview shows it rendered with the sample order, then it is saved.
    await page.getByLabel("Objet", { exact: true }).fill("Colis {{ order_name }} en route");
    await page.getByText("Objet : Colis #1001 en route").waitFor({ timeout: 15_000 });
    await page.getByRole("button", { name: "Enregistrer le texte" }).click();
    await page.getByText("Texte enregistré", { exact: false }).waitFor({ timeout: 15_000 });
    expect(await t.db.messageCopy.findFirst({ where: { shopId: shop.id } })).toMatchObject({
      milestone: "shipped",
      locale: "fr",
      subject: "Colis {{ order_name }} en route",
    });
    await shot("settings-copy-fr");

    await page.getByRole("button", { name: "Revenir au texte par défaut" }).click();
    await page.getByText("Retour au texte par défaut").waitFor({ timeout: 15_000 });
    expect(await t.db.messageCopy.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it("renders without script errors", () => {
    expect(pageErrors.filter((e) => !/app-bridge|shopify/i.test(e))).toEqual([]);
  });
});
