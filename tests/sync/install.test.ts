// afterAuth's import: a shop new to sync, or back after an uninstall, is imported; an active shop
// that already was is not imported again on every new session.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { markUninstalled, recordInstall } from "~/pipeline/shops.server";
import { importOnInstall, SYNC_BACKFILL } from "~/sync/sync.server";
import { freshDb, providers, type TestDb } from "../support/db";

const SHOP = "install-test.myshopify.com";

describe.each(providers)("import on install, on %s", (provider) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(provider);
  });
  afterAll(async () => t?.drop());

  const jobs = () => t.db.job.count({ where: { kind: SYNC_BACKFILL } });
  const auth = (at: string) => importOnInstall(t.db, SHOP, new Date(at), () => recordInstall(t.db, SHOP));

  it("imports a new shop, not again for an active one, and again after a re-install", async () => {
    await auth("2026-12-01T10:00:00Z");
    expect(await jobs()).toBe(1);
    const first = await t.db.shopSync.findFirstOrThrow();
    expect(first).toMatchObject({ backfillStatus: "running", backfillDays: 60 });
    expect(first.historyBefore).toEqual(new Date("2026-12-01T10:00:00Z"));

    await auth("2026-12-01T11:00:00Z"); // a new session of the same, active shop
    expect(await jobs()).toBe(1);

    await markUninstalled(t.db, SHOP, new Date("2026-12-02T10:00:00Z"));
    await auth("2026-12-03T10:00:00Z");
    expect(await jobs()).toBe(2);
    const again = await t.db.shopSync.findFirstOrThrow();
    // The line between history and news stays where the first import drew it.
    expect(again.historyBefore).toEqual(new Date("2026-12-01T10:00:00Z"));
    expect(again.backfillStartedAt).toEqual(new Date("2026-12-03T10:00:00Z"));
  });
});
