// What the admin says about the import and reconciliation, in words (app/routes/app.sync.tsx). Pure.

export interface SyncRow {
  backfillStatus: string;
  backfillDays: number;
  backfillTotal: number | null;
  backfillDone: number;
  backfillStartedAt: Date | null;
  backfillFinishedAt: Date | null;
  reconcileLastRunAt: Date | null;
  reconcileNextRunAt: Date | null;
  reconcileLastRecovered: number;
  reconcileRecovered: number;
  authError: string | null;
}

const count = (n: number) => n.toLocaleString("en-US");
const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`;

export interface SyncView {
  import: {
    status: "never" | "running" | "done" | "paused";
    /** 0–100 for the progress bar. */
    percent: number;
    headline: string;
    days: number;
    startedAt: string | null;
    finishedAt: string | null;
  };
  reconcile: {
    paused: boolean;
    headline: string;
    lastRecovered: number;
    recovered: number;
    lastRunAt: string | null;
    nextRunAt: string | null;
  };
  problem: string | null;
}

export function syncView(row: SyncRow | null): SyncView {
  const paused = !!row?.authError;
  const status = !row
    ? "never"
    : paused
      ? "paused"
      : row.backfillStatus === "running"
        ? "running"
        : row.backfillStatus === "done"
          ? "done"
          : "never";
  const total = row?.backfillTotal ?? null;
  const done = row?.backfillDone ?? 0;
  // Orders change while the import pages through them, so it can meet one twice: never past 100%.
  const shown = total !== null ? Math.min(done, total) : done;
  const headline =
    status === "running"
      ? total !== null
        ? `Importing ${count(shown)} of ${plural(total, "order", "orders")}`
        : "Counting the orders to import"
      : status === "done"
        ? `Imported ${plural(total ?? done, "order", "orders")} from the last ${row!.backfillDays} days`
        : status === "paused"
          ? `Import paused after ${plural(shown, "order", "orders")}`
          : "No import yet";
  const percent = status === "done" ? 100 : total ? Math.round((shown / total) * 100) : 0;
  const recovered = row?.reconcileRecovered ?? 0;
  return {
    import: {
      status,
      percent,
      headline,
      days: row?.backfillDays ?? 60,
      startedAt: row?.backfillStartedAt?.toISOString() ?? null,
      finishedAt: row?.backfillFinishedAt?.toISOString() ?? null,
    },
    reconcile: {
      paused,
      headline: paused
        ? "Reconciliation is paused until the app is opened again from Shopify admin"
        : `${plural(recovered, "update", "updates")} recovered that webhooks never delivered`,
      lastRecovered: row?.reconcileLastRecovered ?? 0,
      recovered,
      lastRunAt: row?.reconcileLastRunAt?.toISOString() ?? null,
      nextRunAt: row?.reconcileNextRunAt?.toISOString() ?? null,
    },
    problem: paused
      ? "Shopify refused Waypoint's access token (the app may have been uninstalled or its access revoked)."
      : null,
  };
}
