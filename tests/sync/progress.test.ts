// The admin's words for the import and reconciliation (app/sync/rules/progress.ts).
import { describe, expect, it } from "vitest";
import { syncView, type SyncRow } from "~/sync/rules/progress";

const row = (over: Partial<SyncRow>): SyncRow => ({
  backfillStatus: "running",
  backfillDays: 60,
  backfillTotal: 5000,
  backfillDone: 1234,
  backfillStartedAt: new Date("2026-12-01T10:00:00Z"),
  backfillFinishedAt: null,
  reconcileLastRunAt: null,
  reconcileNextRunAt: null,
  reconcileLastRecovered: 0,
  reconcileRecovered: 0,
  authError: null,
  ...over,
});

describe("sync view", () => {
  it("shows the import's progress in orders and percent", () => {
    const v = syncView(row({}));
    expect(v.import).toMatchObject({ status: "running", headline: "Importing 1,234 of 5,000 orders", percent: 25 });
  });

  it("never shows more than the total (an order changed during the import is met twice)", () => {
    expect(syncView(row({ backfillDone: 5003 })).import).toMatchObject({
      percent: 100,
      headline: "Importing 5,000 of 5,000 orders",
    });
  });

  it("says what the import did and what reconciliation recovered", () => {
    const v = syncView(
      row({ backfillStatus: "done", backfillDone: 5000, reconcileRecovered: 3, reconcileLastRecovered: 1 }),
    );
    expect(v.import.headline).toBe("Imported 5,000 orders from the last 60 days");
    expect(v.reconcile.headline).toBe("3 updates recovered that webhooks never delivered");
    expect(syncView(row({ backfillStatus: "done", reconcileRecovered: 1 })).reconcile.headline).toBe(
      "1 update recovered that webhooks never delivered",
    );
  });

  it("says sync is paused when the token was refused, and nothing yet for a shop never imported", () => {
    const v = syncView(row({ authError: "401 Unauthorized" }));
    expect(v.import.status).toBe("paused");
    expect(v.reconcile.paused).toBe(true);
    expect(v.problem).toMatch(/refused/);
    expect(syncView(null).import).toMatchObject({ status: "never", headline: "No import yet", percent: 0 });
  });
});
