// One email for a split order's parcels that reach the same milestone close together, through the real
// planner, worker and dev outbox with a controllable clock; SQLite and PostgreSQL.
import type { Prisma } from "@prisma/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { enqueue } from "~/jobs/queue.server";
import { Worker } from "~/jobs/worker.server";
import { createNotificationHandlers } from "~/notifications/handlers.server";
import { STAGE_CHANGED, type StageChangedEvent } from "~/pipeline/shipments.server";
import { freshDb, providers, type TestDb } from "../support/db";

const T0 = new Date("2026-11-24T15:00:00Z"); // 10:00 in New York: no quiet hours
const MIN = 60_000;
const UPS = "1Z999AA10123456784";
const USPS = "9400111899223197428490";

let clock = new Date(T0);
const now = () => clock;

describe.each(providers)("combined parcel emails (%s)", (provider) => {
  let t: TestDb;
  let db: Db;

  beforeEach(async () => {
    clock = new Date(T0);
    t = await freshDb(provider);
    db = t.db;
  });
  afterEach(async () => t.drop());

  const worker = () => new Worker(db, createNotificationHandlers({}), { now, leaseMs: 60_000 });
  const drainAt = async (ms: number) => {
    clock = new Date(T0.getTime() + ms);
    await worker().drain();
  };

  async function split(shop: Partial<Prisma.ShopUncheckedCreateInput> = {}, parcels = 2) {
    const s = await db.shop.create({
      data: { domain: "acme.myshopify.com", name: "Acme", primaryDomain: "shop.acme.test", ...shop },
    });
    const order = await db.order.create({
      data: {
        shopId: s.id,
        shopifyId: "6301542301987",
        name: "#1001",
        orderNumber: 1001,
        email: "alex@example.com",
        customerFirstName: "Alex",
        customerTimezone: "America/New_York",
        shipCountry: "US",
        processedAt: new Date(T0.getTime() - 86_400_000),
        factsAt: new Date(T0.getTime() - 86_400_000),
      },
    });
    const ships = [];
    for (const [i, [carrier, number]] of [
      ["UPS", UPS],
      ["USPS", USPS],
    ]
      .slice(0, parcels)
      .entries()) {
      ships.push(
        await db.shipment.create({
          data: {
            shopId: s.id,
            orderId: order.id,
            kind: "outbound",
            name: `#1001.${i + 1}`,
            carrier,
            trackingNumbers: [number!],
            trackingUrls: [`https://track.example/${number}`],
            primaryTracking: number,
            stage: 2,
            subStatus: "label_created",
            factsAt: T0,
          },
        }),
      );
    }
    return { shop: s, order, ships };
  }

  async function shipped(s: { id: string; shopId: string; orderId: string | null }) {
    const event: StageChangedEvent = {
      shopId: s.shopId,
      shipmentId: s.id,
      orderId: s.orderId,
      kind: "outbound",
      transition: {
        fromStage: null,
        toStage: 2,
        fromStatus: null,
        toStatus: "label_created",
        at: clock.toISOString(),
        cause: "fulfillment:label_created",
      },
      delayed: false,
      delayStarted: false,
    };
    await enqueue(db, {
      kind: STAGE_CHANGED,
      payload: { ...event } as unknown as Prisma.InputJsonValue,
      runAfter: clock,
    });
  }

  const emails = () =>
    db.notification.findMany({ where: { channel: "email" }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  const sentEmails = () => db.outboxMessage.findMany({ where: { channel: "email" } });

  it("waits for the other parcel and sends one email listing both", async () => {
    const { ships } = await split();
    await shipped(ships[0]!);
    await drainAt(0);
    // Held for the window (15 minutes by default): nothing sent yet.
    let rows = await emails();
    expect(rows.map((r) => [r.status, r.nextAttemptAt?.toISOString()])).toEqual([
      ["queued", new Date(T0.getTime() + 15 * MIN).toISOString()],
    ]);
    expect(await sentEmails()).toHaveLength(0);

    clock = new Date(T0.getTime() + 6 * MIN);
    await shipped(ships[1]!);
    await drainAt(6 * MIN);
    await drainAt(15 * MIN + 1);
    const sent = await sentEmails();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain(UPS);
    expect(sent[0]!.text).toContain(USPS);
    expect(sent[0]!.text).toMatch(/Tracking number 1: UPS 1Z999AA10123456784\nTracking number 2: USPS 9400/);
    rows = await emails();
    expect(rows.map((r) => r.status)).toEqual(["sent", "discarded"]);
    expect(rows[1]!.error).toBe(`combined: sent in one email (${rows[0]!.id})`);
    expect((rows[0]!.context as { combined?: string[] }).combined).toEqual([rows[1]!.id]);
    // The second parcel's own wake-up later does nothing.
    await drainAt(21 * MIN + 1);
    expect(await sentEmails()).toHaveLength(1);
  });

  it("sends a parcel that reaches the milestone after the combined email on its own", async () => {
    const { ships } = await split();
    await shipped(ships[0]!);
    await drainAt(0);
    await drainAt(15 * MIN + 1);
    clock = new Date(T0.getTime() + 20 * MIN);
    await shipped(ships[1]!);
    await drainAt(20 * MIN);
    await drainAt(35 * MIN + 1);
    const sent = await sentEmails();
    expect(sent).toHaveLength(2);
    expect(sent.map((m) => m.text.includes(USPS))).toEqual([false, true]);
    expect((await emails()).map((r) => r.status)).toEqual(["sent", "sent"]);
  });

  it("sends at once for a single-parcel order, and per parcel when the merchant turned combining off", async () => {
    const single = await split({}, 1);
    await shipped(single.ships[0]!);
    await drainAt(0);
    expect((await emails()).map((r) => r.status)).toEqual(["sent"]);

    await db.notification.deleteMany({});
    await db.outboxMessage.deleteMany({});
    await db.shop.update({ where: { id: single.shop.id }, data: { combineParcelEmailsMinutes: 0 } });
    const second = await db.shipment.create({
      data: {
        shopId: single.shop.id,
        orderId: single.order.id,
        kind: "outbound",
        name: "#1001.2",
        carrier: "USPS",
        primaryTracking: USPS,
        stage: 2,
        subStatus: "label_created",
      },
    });
    await shipped(single.ships[0]!);
    await shipped(second);
    await drainAt(MIN);
    expect((await emails()).map((r) => r.status)).toEqual(["sent", "sent"]);
  });
});
