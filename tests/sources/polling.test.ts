// 17TRACK through the queue: registration with automatic carrier detection, polling with gettrackinfo
// spaced to the source's rate limit, signed pushes, and no poll once the shipment is final.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { jobHandlers } from "~/jobs/registry.server";
import { Worker } from "~/jobs/worker.server";
import { handleCarrierPush } from "~/sources/push.server";
import { POLL, scanSources } from "~/sources/registration.server";
import { connectSource } from "~/sources/settings.server";
import { freshDb, providers, type TestDb } from "../support/db";
import { fixture, receiverFor, signedWebhook, TEST_SHOP } from "../support/shopify-webhooks";
import { startFakeSeventeenTrack, type FakeSeventeenTrack } from "../../scripts/simulator/carrier-sources";

let st: FakeSeventeenTrack;
beforeAll(async () => {
  st = await startFakeSeventeenTrack();
});
afterAll(async () => st.close());

const NUMBERS = ["RX100000001FR", "RX100000002FR", "RX100000003FR"];

describe.each(providers)("17TRACK polling and pushes on %s", (provider) => {
  let t: TestDb;
  let clock: Date;
  let worker: Worker;
  let shopId: string;

  beforeEach(async () => {
    t = await freshDb(provider);
    st.reset();
    clock = new Date(Date.now() + 60_000);
    worker = new Worker(t.db, jobHandlers, { now: () => clock, id: "poll-test" });
    const receive = receiverFor(t.db);
    await receive(signedWebhook("orders/create", fixture("orders-create.1001")));
    for (const [i, number] of NUMBERS.entries()) {
      const f = fixture("fulfillments-create.1001.1-ups");
      Object.assign(f, {
        id: 5678901234560 + i,
        admin_graphql_api_id: `gid://shopify/Fulfillment/${5678901234560 + i}`,
        name: `#1001.${i + 1}`,
        tracking_company: "Colis Régional",
        tracking_number: number,
        tracking_numbers: [number],
        tracking_url: null,
        tracking_urls: [],
        shipment_status: null,
        created_at: clock.toISOString(),
        updated_at: clock.toISOString(),
      });
      await receive(signedWebhook("fulfillments/create", f));
    }
    await worker.drain();
    shopId = (await t.db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).id;
    await connectSource(t.db, shopId, {
      provider: "17track",
      apiKey: st.apiKey,
      writeBack: false,
      pollMinutes: 60,
      baseUrl: st.url,
    });
    await scanSources(t.db, clock);
    await worker.drain();
  });
  afterEach(async () => t.drop());

  it("registers each number with 17TRACK and polls them through the queue, spaced to 3 per second", async () => {
    expect([...st.registered.keys()].sort()).toEqual(NUMBERS);
    expect(st.problems).toEqual([]);
    st.scan(NUMBERS[0]!, { status: "InTransit_PickedUp", message: "Picked up", at: "2026-12-03T08:00:00Z" });
    st.scan(NUMBERS[0]!, { status: "OutForDelivery_Other", message: "Out for delivery", at: "2026-12-04T07:00:00Z" });
    clock = new Date(clock.getTime() + 61 * 60_000);
    const r = await scanSources(t.db, clock);
    expect(r.poll).toBe(3);
    const polls = await t.db.job.findMany({ where: { kind: POLL, status: "queued" }, orderBy: { runAfter: "asc" } });
    const gaps = polls.slice(1).map((p, i) => p.runAfter.getTime() - polls[i]!.runAfter.getTime());
    expect(gaps).toEqual([334, 334]);
    clock = new Date(clock.getTime() + 1_000);
    await worker.drain();
    expect(st.requests.filter((q) => q.path === "/track/v2.2/gettrackinfo")).toHaveLength(3);
    const s = await t.db.shipment.findFirstOrThrow({ where: { shopId, primaryTracking: NUMBERS[0] } });
    expect(s).toMatchObject({ stage: 4, subStatus: "out_for_delivery" });
    const sources = await t.db.trackingEvent.findMany({ where: { shipmentId: s.id, source: "17track" } });
    expect(sources.map((e) => e.status).sort()).toEqual(["carrier_picked_up", "out_for_delivery"]);
    // Not due again until pollMinutes have passed.
    expect((await scanSources(t.db, clock)).poll).toBe(0);
  });

  it("applies signed pushes, refuses a forged sign, and never polls a final shipment", async () => {
    const token = (await t.db.trackingSource.findUniqueOrThrow({ where: { shopId } })).pushToken;
    const post = (signed: { body: string; headers: Record<string, string> }) =>
      handleCarrierPush(
        t.db,
        new Request(`https://waypoint.test/webhooks/carriers/17track/${token}`, { method: "POST", ...signed }),
        "17track",
        token,
      );
    st.scan(NUMBERS[1]!, { status: "Exception_Returned", message: "Returned to sender", at: "2026-12-05T09:00:00Z" });
    expect((await post(st.signedPush(NUMBERS[1]!, { key: "guess" }))).status).toBe(401);
    expect((await post(st.signedPush(NUMBERS[1]!))).status).toBe(200);
    await worker.drain();
    const s = await t.db.shipment.findFirstOrThrow({ where: { shopId, primaryTracking: NUMBERS[1] } });
    // Returned to sender is an exception the merchant sees (needs attention), and final for tracking.
    expect(s).toMatchObject({ subStatus: "failure", needsAttention: true });
    const e = await t.db.trackingEvent.findFirstOrThrow({ where: { shipmentId: s.id, source: "17track" } });
    expect(e.message).toBe("Returned to sender: Returned to sender");
    const reg = await t.db.sourceRegistration.findFirstOrThrow({ where: { shipmentId: s.id } });
    expect(reg).toMatchObject({ status: "stopped", reason: "source_final" });
    expect(st.requests.some((q) => q.path === "/track/v2.2/stoptrack" && q.body.includes(NUMBERS[1]!))).toBe(true);
    clock = new Date(clock.getTime() + 61 * 60_000);
    expect((await scanSources(t.db, clock)).poll).toBe(2);
  });
});
