// Settings > Delivery promise on SQLite and PostgreSQL: validation with field errors, and the stored
// values the window model reads (confidence, ship-from country, closure days).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveryPromiseSettings, saveDeliveryPromise } from "~/admin/delivery-promise.server";
import type { AdminShop } from "~/admin/shop.server";
import { freshDb, providers, type TestDb } from "../support/db";

function form(values: Record<string, string>): FormData {
  const f = new FormData();
  f.set("intent", "delivery_promise");
  for (const [k, v] of Object.entries(values)) f.set(k, v);
  return f;
}

describe.each(providers)("delivery promise settings on %s", (provider) => {
  let t: TestDb;
  let shop: AdminShop;
  beforeAll(async () => {
    t = await freshDb(provider);
    const row = await t.db.shop.create({ data: { domain: "promise.myshopify.com", timezone: "America/New_York" } });
    shop = { id: row.id, domain: row.domain, name: null, currency: "USD", timezone: row.timezone, locale: "en" };
  });
  afterAll(async () => t.drop());

  it("starts at 90 % with no country and no closures", async () => {
    expect(await deliveryPromiseSettings(shop, t.db)).toEqual({
      confidence: "0.9",
      originCountry: "",
      closureDays: "",
    });
  });

  it("stores a valid choice, upper-casing the country and sorting the days", async () => {
    const r = await saveDeliveryPromise(
      shop,
      form({ confidence: "0.95", originCountry: "us", closureDays: "2026-12-31\n2026-12-24, 2026-12-24" }),
      t.db,
    );
    expect(r).toEqual({ intent: "delivery_promise", ok: true, fieldErrors: {} });
    const row = await t.db.shop.findUniqueOrThrow({ where: { id: shop.id } });
    expect(row.deliveryConfidence).toBe(0.95);
    expect(row.originCountry).toBe("US");
    expect(row.closureDays).toEqual(["2026-12-24", "2026-12-31"]);
    expect(await deliveryPromiseSettings(shop, t.db)).toEqual({
      confidence: "0.95",
      originCountry: "US",
      closureDays: "2026-12-24\n2026-12-31",
    });
  });

  it("names each bad field and stores nothing", async () => {
    const r = await saveDeliveryPromise(
      shop,
      form({ confidence: "0.5", originCountry: "USA", closureDays: "2026-02-30" }),
      t.db,
    );
    expect(r.ok).toBe(false);
    expect(Object.keys(r.fieldErrors).sort()).toEqual(["closureDays", "confidence", "originCountry"]);
    const row = await t.db.shop.findUniqueOrThrow({ where: { id: shop.id } });
    expect(row.deliveryConfidence).toBe(0.95);
  });
});
