// Shared pieces of the benchmark harness: percentiles, result rows, the table, paths, the machine.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** Git-ignored working directory: databases, caches, logs, Lighthouse reports. */
export const RESULTS_DIR = path.join(ROOT, "bench/results");

export function ensureResultsDir(): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  return RESULTS_DIR;
}

/** The p-th percentile (0..100) by nearest rank; NaN for an empty sample. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export type Verdict = "PASS" | "MISS" | "INFO" | "SKIP";

export interface Row {
  id: string;
  metric: string;
  value: number | null;
  unit: string;
  /** What the value is compared with, measured in the same run (ceiling, floor, other variant). */
  baseline: number | null;
  baselineLabel: string;
  /** value / baseline, or a better-is-higher ratio as stated in `ratioLabel`. */
  ratio: number | null;
  target: string;
  verdict: Verdict;
  note?: string;
}

export function row(r: Omit<Row, "ratio"> & { ratio?: number | null }): Row {
  const ratio = r.ratio !== undefined ? r.ratio : r.value !== null && r.baseline ? r.value / r.baseline : null;
  return { ...r, ratio };
}

export function verdict(ok: boolean | null): Verdict {
  return ok === null ? "SKIP" : ok ? "PASS" : "MISS";
}

function fmt(n: number | null, unit = ""): string {
  if (n === null || Number.isNaN(n)) return "–";
  const abs = Math.abs(n);
  const s =
    abs >= 1000
      ? n.toFixed(0)
      : abs >= 100
        ? n.toFixed(0)
        : abs >= 10
          ? n.toFixed(1)
          : abs >= 1
            ? n.toFixed(2)
            : n.toFixed(3);
  return unit ? `${s} ${unit}` : s;
}

/** The one table `npm run bench` prints. */
export function formatTable(rows: readonly Row[]): string {
  const head = ["#", "Metric", "Value", "Baseline (same run)", "Ratio", "Target", "Result"];
  const body = rows.map((r, i) => [
    String(i + 1),
    r.metric,
    fmt(r.value, r.unit),
    r.baseline === null ? r.baselineLabel || "–" : `${fmt(r.baseline, r.unit)} ${r.baselineLabel}`.trim(),
    r.ratio === null ? "–" : `${r.ratio.toFixed(2)}×`,
    r.target,
    r.verdict,
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((b) => (b[c] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  const sep = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  const notes = rows.map((r, i) => (r.note ? `  ${i + 1}. ${r.note}` : null)).filter((x): x is string => x !== null);
  return [line(head), sep, ...body.map(line), ...(notes.length ? ["", "Notes:", ...notes] : [])].join("\n");
}

export interface Machine {
  nproc: number;
  cpu: string;
  memory: string;
  node: string;
  platform: string;
  sqlite: string | null;
  postgres: string | null;
}

export function machine(): Machine {
  const tryRun = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return null;
    }
  };
  const mem = tryRun("free", ["-h"])?.split("\n")[1]?.split(/\s+/)[1] ?? `${(os.totalmem() / 2 ** 30).toFixed(1)}Gi`;
  return {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? "unknown",
    memory: mem,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    sqlite: null,
    postgres: tryRun("pg_ctl", ["--version"]),
  };
}

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Peak resident set (VmHWM) and current RSS of a process, in MB, from /proc (Linux). */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m"))?.[1] ?? 0);
    return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
  } catch {
    return null;
  }
}

/**
 * CPU time (user + system, ms) a process has used, from /proc/<pid>/stat; with `tid`, one thread's
 * (/proc/<pid>/task/<tid>/stat: the main thread's tid is the pid). Null when /proc cannot be read.
 */
export function cpuMsOf(pid: number, tid?: number): number | null {
  try {
    const file = tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`;
    const stat = fs.readFileSync(file, "utf8");
    // Fields after the parenthesised command (which may hold spaces): utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS = 100;
