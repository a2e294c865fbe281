// reverse_fulfillment_orders/dispose names only the reverse fulfillment order: its return is asked
// of the Admin API through the sync client (the real @shopify/shopify-api client, simulator behind),
// so "received" is observable; a refused token skips it, a throttled answer fails the job for a retry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobHandlers } from "~/jobs/registry.server";
import { Worker } from "~/jobs/worker.server";
import { appClientFactory } from "~/sync/client.server";
import { returnOfReverseFulfillmentOrder } from "~/sync/admin-api.server";
import { freshDb, providers, type TestDb } from "../support/db";
import { deliver, install, SHOP, simulator, storyShop, type Simulator } from "./support";

const shop = storyShop();
const returned = shop.stories.find((s) => s.webhooks.some((w) => w.topic === "reverse_fulfillment_orders/dispose"))!;
const dispose = returned.webhooks.find((w) => w.topic === "reverse_fulfillment_orders/dispose")!;
const rfoId = String((JSON.parse(dispose.body) as { id: number }).id);

describe.each(providers)("the return of a disposal, on %s", (provider) => {
  let t: TestDb;
  let sim: Simulator;
  beforeAll(async () => {
    t = await freshDb(provider);
    await install(t.db);
    sim = await simulator(shop);
  });
  afterAll(async () => {
    await sim.close();
    await t.drop();
  });

  it("is asked of the Admin API, and the webhook then marks the return received", async () => {
    const factory = await appClientFactory();
    const returnId = await returnOfReverseFulfillmentOrder(t.db, SHOP, rfoId, factory);
    expect(returnId).toMatch(/^\d+$/);
    expect(sim.api.requests.at(-1)).toMatchObject({
      operationName: "WaypointRfoReturn",
      variables: { id: `gid://shopify/ReverseFulfillmentOrder/${rfoId}` },
    });

    const worker = new Worker(t.db, jobHandlers, { id: "rfo", now: () => new Date(sim.clock.now) });
    for (const w of returned.webhooks.filter((x) => x.at <= dispose.at)) {
      sim.clock.now = Math.max(sim.clock.now, w.at.getTime());
      await deliver(t.db, w);
    }
    await worker.drain();
    const rc = await t.db.returnCase.findFirstOrThrow({ where: { shopifyReturnId: returnId! } });
    expect(rc.receivedAt).not.toBeNull();
  });

  it("fails for a retry when throttled, and is skipped (null) when the token is refused", async () => {
    const factory = await appClientFactory();
    sim.api.setAvailable(SHOP, 0);
    await expect(returnOfReverseFulfillmentOrder(t.db, SHOP, rfoId, factory)).rejects.toThrow(/throttled/);
    sim.api.setAvailable(SHOP, 2000);
    sim.api.setToken(SHOP, null);
    expect(await returnOfReverseFulfillmentOrder(t.db, SHOP, rfoId, factory)).toBeNull();
    await t.db.session.deleteMany();
    expect(await returnOfReverseFulfillmentOrder(t.db, SHOP, rfoId, factory)).toBeNull();
  });
});
