// Row 4: the admin dashboard at scale. loadDashboard runs once through a recording client extension
// to capture every query it makes (with its exact arguments); each query is then replayed alone,
// a few times, and its median time reported, next to the whole page's wall time.
import { createDb, type Db, prepareDb } from "../app/db.server";
import { loadDashboard, parseRange } from "../app/admin/dashboard.server";
import type { Dataset } from "./dataset";
import { log, median, row, type Row, verdict } from "./lib";

interface Captured {
  model: string;
  operation: string;
  args: unknown;
}

function label(c: Captured): string {
  const a = (c.args ?? {}) as { where?: Record<string, unknown>; by?: string[] };
  const keys = a.where ? Object.keys(a.where).filter((k) => k !== "shopId" && k !== "shopDomain") : [];
  return `${c.model}.${c.operation}${a.by ? ` by ${a.by.join(",")}` : ""}${keys.length ? ` (${keys.join(", ")})` : ""}`;
}

export async function benchDashboard(dataset: Dataset, opts: { repeats: number }): Promise<Row[]> {
  const db = createDb(dataset.url);
  await prepareDb(db);
  try {
    const now = new Date();
    const range = parseRange(new URLSearchParams(), now);
    const calls: Captured[] = [];
    const recording = db.$extends({
      query: {
        $allModels: {
          async $allOperations({ model, operation, args, query }) {
            calls.push({ model, operation, args });
            return query(args);
          },
        },
      },
    }) as unknown as Db;
    await loadDashboard(db, dataset.shop, range, now); // warm the page cache
    const walls: number[] = [];
    for (let i = 0; i < opts.repeats; i++) {
      const t = performance.now();
      await loadDashboard(i === 0 ? recording : db, dataset.shop, range, now);
      walls.push(performance.now() - t);
    }
    const client = db as unknown as Record<string, Record<string, (args: unknown) => Promise<unknown>>>;
    const rows: Row[] = [];
    const seen = new Map<string, number>();
    for (const c of calls) {
      const delegate = client[c.model.charAt(0).toLowerCase() + c.model.slice(1)];
      const fn = delegate?.[c.operation];
      if (!fn) continue;
      const times: number[] = [];
      for (let i = 0; i < opts.repeats; i++) {
        const t = performance.now();
        await fn.call(delegate, c.args);
        times.push(performance.now() - t);
      }
      let name = label(c);
      const n = (seen.get(name) ?? 0) + 1;
      seen.set(name, n);
      if (n > 1) name = `${name} #${n}`;
      const ms = median(times);
      rows.push(
        row({
          id: `dashboard.${name}`,
          metric: `Dashboard query ${name}`,
          value: ms,
          unit: "ms",
          baseline: null,
          baselineLabel: "",
          target: "< 200 ms",
          verdict: verdict(ms < 200),
        }),
      );
    }
    const wall = median(walls);
    log(
      `dashboard: ${calls.length} queries; whole page ${wall.toFixed(0)} ms (median of ${opts.repeats}); slowest ${rows.reduce((m, r) => Math.max(m, r.value ?? 0), 0).toFixed(0)} ms`,
    );
    rows.sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
    rows.unshift(
      row({
        id: "dashboard.page",
        metric: `Dashboard page, all ${calls.length} queries (${(dataset.shipments / 1e6).toFixed(2)}M shipments, ${(dataset.events / 1e6).toFixed(1)}M events)`,
        value: wall,
        unit: "ms",
        baseline: rows.reduce((s, r) => s + (r.value ?? 0), 0),
        baselineLabel: "sum of queries run alone",
        target: "each query < 200 ms",
        verdict: verdict(rows.every((r) => r.verdict === "PASS")),
      }),
    );
    return rows;
  } finally {
    await db.$disconnect();
  }
}
