// The settings page's split-order section: its own intent, validated, stored on both databases.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settingsAction, settingsPage } from "~/admin/settings.server";
import type { AdminShop } from "~/admin/shop.server";
import { freshDb, providers, type TestDb } from "../support/db";

const form = (v: Record<string, string>) => {
  const f = new FormData();
  for (const [k, x] of Object.entries({ intent: "parcel_emails", ...v })) f.set(k, x);
  return f;
};

describe.each(providers)("split-order email setting on %s", (provider) => {
  let t: TestDb;
  let shop: AdminShop;
  beforeAll(async () => {
    t = await freshDb(provider);
    const row = await t.db.shop.create({ data: { domain: "split.myshopify.com" } });
    shop = row as unknown as AdminShop;
  });
  afterAll(async () => t.drop());
  const stored = async () => (await t.db.shop.findUniqueOrThrow({ where: { id: shop.id } })).combineParcelEmailsMinutes;

  it("is on for 15 minutes by default, and saves a window or off", async () => {
    expect((await settingsPage(shop, t.db)).parcelEmails).toEqual({ minutes: 15 });
    expect(await settingsAction(shop, form({ enabled: "true", minutes: "30" }), t.db)).toMatchObject({
      intent: "parcel_emails",
      ok: true,
      minutes: 30,
    });
    expect(await stored()).toBe(30);
    expect(await settingsAction(shop, form({ enabled: "false", minutes: "" }), t.db)).toMatchObject({
      ok: true,
      minutes: 0,
    });
    expect(await stored()).toBe(0);
  });

  it.each([
    ["0", "Wait at least 1 minute, or switch combining off"],
    ["500", "Wait at most 240 minutes: longer would hold the first email too long"],
    ["abc", "Enter a number of minutes"],
    ["2.5", "Enter whole minutes"],
  ])("refuses %j with a message naming the field, changing nothing", async (minutes, message) => {
    const before = await stored();
    expect(await settingsAction(shop, form({ enabled: "true", minutes }), t.db)).toEqual({
      intent: "parcel_emails",
      ok: false,
      fieldErrors: { combineParcelEmailsMinutes: message },
    });
    expect(await stored()).toBe(before);
  });
});
