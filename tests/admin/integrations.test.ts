// Settings › Integrations (admin/integrations.server.ts, reached through settingsAction's intents): the
// Klaviyo key encrypted at rest and only ever shown masked, the per-milestone choice refused without a
// key, field errors that name the field and never echo the key, and the test button queuing a delivery.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { type IntegrationsActionResult, integrationsView } from "~/admin/integrations.server";
import { settingsAction, settingsPage } from "~/admin/settings.server";
import type { AdminShop } from "~/admin/shop.server";
import { decryptSecret } from "~/lib/crypto.server";
import { freshDb, providers, type TestDb } from "../support/db";

const KEY = "pk_0123456789abcdef0123456789abcdef01";

function form(entries: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(entries)) f.set(k, v);
  return f;
}

describe.each(providers)("integration settings (%s)", (provider) => {
  let t: TestDb;
  let db: Db;
  let shop: AdminShop;

  beforeEach(async () => {
    t = await freshDb(provider);
    db = t.db;
    const row = await db.shop.create({ data: { domain: "acme.myshopify.com", contactEmail: "help@acme.test" } });
    shop = (await db.shop.findUniqueOrThrow({ where: { id: row.id } })) as unknown as AdminShop;
  });
  afterEach(async () => {
    await t.drop();
  });

  it("saves Flow, the Klaviyo key (encrypted, shown masked) and who sends each milestone", async () => {
    const r = await settingsAction(
      shop,
      form({
        intent: "integrations_save",
        flowTriggersEnabled: "on",
        klaviyoPrivateKey: KEY,
        "sender.delayed": "klaviyo",
        "sender.delivered": "waypoint",
      }),
      db,
    );
    expect(r).toMatchObject({ intent: "integrations_save", ok: true });
    const row = await db.shop.findUniqueOrThrow({ where: { domain: shop.domain } });
    expect(row.flowTriggersEnabled).toBe(true);
    expect(row.klaviyoPrivateKeyEnc).not.toContain(KEY);
    expect(decryptSecret(row.klaviyoPrivateKeyEnc!)).toBe(KEY);
    expect(row.klaviyoMilestones).toEqual({
      delayed: "klaviyo",
      out_for_delivery: "waypoint",
      delivered: "waypoint",
      delivery_failed: "waypoint",
      return_received: "waypoint",
    });
    const view = await integrationsView(shop, db);
    expect(view!.klaviyoKey).toBe("••••ef01");
    expect(JSON.stringify(view)).not.toContain(KEY);
    expect(view!.senders.delayed).toBe("klaviyo");
    expect(view!.status.map((s) => [s.destination, s.connected, s.lastSentAt])).toEqual([
      ["flow", true, null],
      ["klaviyo", true, null],
    ]);
    // The settings page carries the section's data.
    expect((await settingsPage(shop, db)).integrations?.senders.delayed).toBe("klaviyo");

    // A blank key keeps the saved one; "remove" clears it, and every milestone goes back to Waypoint.
    await settingsAction(
      shop,
      form({ intent: "integrations_save", klaviyoPrivateKey: "", "sender.delayed": "klaviyo" }),
      db,
    );
    expect(
      decryptSecret((await db.shop.findUniqueOrThrow({ where: { domain: shop.domain } })).klaviyoPrivateKeyEnc!),
    ).toBe(KEY);
    await settingsAction(shop, form({ intent: "integrations_save", clearKlaviyoKey: "on" }), db);
    const cleared = await db.shop.findUniqueOrThrow({ where: { domain: shop.domain } });
    expect([cleared.klaviyoPrivateKeyEnc, cleared.flowTriggersEnabled]).toEqual([null, false]);
    expect((await integrationsView(shop, db))!.senders.delayed).toBe("waypoint");
  });

  it("refuses a malformed key naming the field (never echoing it), and Klaviyo without a key", async () => {
    const bad = await settingsAction(shop, form({ intent: "integrations_save", klaviyoPrivateKey: "AbC123" }), db);
    expect(bad).toMatchObject({
      ok: false,
      fieldErrors: { klaviyoPrivateKey: "Enter a Klaviyo private API key (it starts with pk_)" },
    });
    expect(JSON.stringify(bad)).not.toContain("AbC123");
    const noKey = await settingsAction(shop, form({ intent: "integrations_save", "sender.delayed": "klaviyo" }), db);
    expect(noKey).toMatchObject({
      ok: false,
      fieldErrors: { klaviyoPrivateKey: expect.stringMatching(/key is saved/) },
    });
    const junk = (await settingsAction(
      shop,
      form({ intent: "integrations_save", "sender.delayed": "both" }),
      db,
    )) as IntegrationsActionResult;
    expect(junk.ok).toBe(false);
    expect(Object.keys(junk.fieldErrors)).toEqual(["senders.delayed"]);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: shop.domain } })).klaviyoMilestones).toBeNull();
  });

  it("the test button: refused until connected or with no order, then queues one delivery and its job", async () => {
    const test = async (destination: string) =>
      (await settingsAction(shop, form({ intent: "integrations_test", destination }), db)) as IntegrationsActionResult;
    expect((await test("flow")).fieldErrors.destination).toBe("Turn Flow triggers on first");
    expect((await test("zapier")).fieldErrors.destination).toBe("Choose Flow or Klaviyo");
    await db.shop.update({ where: { domain: shop.domain }, data: { flowTriggersEnabled: true } });
    expect((await test("flow")).fieldErrors.destination).toBe("There is no order yet to send as sample data");
    await db.order.create({
      data: {
        shopId: shop.id,
        shopifyId: "1",
        name: "#1001",
        orderNumber: 1001,
        processedAt: new Date(),
        factsAt: new Date(),
      },
    });
    expect(await test("flow")).toMatchObject({ ok: true });
    const rows = await db.integrationDelivery.findMany();
    expect(rows.map((r) => [r.destination, r.test, r.status])).toEqual([["flow", true, "queued"]]);
    expect(await db.job.count({ where: { kind: "integrations.deliver" } })).toBe(1);
  });
});
