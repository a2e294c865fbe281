// Row 6: the storefront cost of the theme block. The demo storefront's "Track your order" page
// (scripts/demo/storefront.ts: a theme layout around the real block rendered with liquidjs) served
// on loopback, next to the same page without the block (its section and stylesheet removed), each
// audited by Lighthouse 12.2.3 (mobile defaults, simulated throttling) in headless Chromium, several
// runs each in alternation; the medians are compared.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import type { AddressInfo } from "node:net";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { ASSET_PATH, LOGO_SVG, renderTrackingPage } from "../scripts/demo/storefront";
import { log, median, RESULTS_DIR, ROOT, row, type Row, verdict } from "./lib";

export const CHROME_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

const BRANDING = {
  shopName: "Waypoint Outfitters",
  heading: "Where's my gear?",
  primaryColor: "#1f5199",
  accentColor: "#2e7d32",
  logoUrl: "/cdn/shop/demo/logo.svg",
  font: "Helvetica, Arial, sans-serif",
};

/** The page without the block: the same layout, <main> holding the page's own copy only. */
export function withoutBlock(page: string): string {
  return page
    .replace(/<link rel="stylesheet" href="[^"]*tracking\.css">\n?/, "")
    .replace(
      /<main>[\s\S]*<\/main>/,
      "<main><h1>Track your order</h1><p>Enter your order number and email to see where your parcel is.</p></main>",
    );
}

async function storefront(): Promise<{ url: string; close(): Promise<void> }> {
  const withBlock = await renderTrackingPage(BRANDING);
  const without = withoutBlock(withBlock);
  if (without === withBlock) throw new Error("could not remove the block from the demo page");
  const assets = path.join(ROOT, "extensions/tracking-block/assets");
  const server = http.createServer((req, res) => {
    const p = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    if (p === "/with") return void res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(withBlock);
    if (p === "/without") return void res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(without);
    if (p === "/cdn/shop/demo/logo.svg")
      return void res.writeHead(200, { "Content-Type": "image/svg+xml" }).end(LOGO_SVG);
    if (p.startsWith(ASSET_PATH)) {
      const file = path.join(assets, path.basename(p));
      if (!fs.existsSync(file)) return void res.writeHead(404).end();
      const type = file.endsWith(".css") ? "text/css" : "text/javascript";
      return void res
        .writeHead(200, { "Content-Type": `${type}; charset=utf-8`, "Cache-Control": "public, max-age=3600" })
        .end(fs.readFileSync(file));
    }
    // The app proxy (beacons, lookups): answered at once, as the page's load does not wait for it.
    if (p.startsWith("/apps/track")) return void res.writeHead(204).end();
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

interface Audit {
  score: number;
  tbt: number;
}

export async function benchLighthouse(opts: { runs: number }): Promise<Row[]> {
  process.env.CHROME_PATH ??= "/usr/bin/chromium";
  if (!fs.existsSync(process.env.CHROME_PATH)) {
    return [
      row({
        id: "lighthouse",
        metric: "Theme block Lighthouse cost",
        value: null,
        unit: "pts",
        baseline: null,
        baselineLabel: "",
        target: "< 2 points",
        verdict: "SKIP",
        note: `no Chromium at ${process.env.CHROME_PATH}`,
      }),
    ];
  }
  const site = await storefront();
  const chrome = await chromeLauncher.launch({ chromePath: process.env.CHROME_PATH, chromeFlags: CHROME_FLAGS });
  const results: Record<"with" | "without", Audit[]> = { with: [], without: [] };
  try {
    for (let i = 0; i < opts.runs; i++) {
      for (const variant of ["without", "with"] as const) {
        const r = await lighthouse(`${site.url}/${variant}`, {
          port: chrome.port,
          output: "json",
          logLevel: "error",
          onlyCategories: ["performance"],
        });
        const lhr = r?.lhr;
        if (!lhr) throw new Error("Lighthouse returned no result");
        const score = Math.round((lhr.categories.performance?.score ?? 0) * 100);
        const tbt = lhr.audits["total-blocking-time"]?.numericValue ?? 0;
        results[variant].push({ score, tbt });
        if (i === 0) fs.writeFileSync(path.join(RESULTS_DIR, `lighthouse-${variant}.json`), JSON.stringify(lhr));
      }
    }
  } finally {
    await chrome.kill();
    await site.close();
  }
  const s = (v: "with" | "without") => median(results[v].map((x) => x.score));
  const t = (v: "with" | "without") => median(results[v].map((x) => x.tbt));
  const cost = s("without") - s("with");
  log(
    `lighthouse: without block ${results.without.map((x) => x.score).join("/")} (TBT ${t("without").toFixed(0)} ms), with block ${results.with.map((x) => x.score).join("/")} (TBT ${t("with").toFixed(0)} ms)`,
  );
  return [
    row({
      id: "lighthouse.score",
      metric: `Theme block: Lighthouse performance score with the block (median of ${opts.runs}, mobile)`,
      value: s("with"),
      unit: "pts",
      baseline: s("without"),
      baselineLabel: "same page without the block",
      target: "costs < 2 points",
      verdict: verdict(cost < 2),
      note: `the block costs ${cost} point(s); reports in bench/results/lighthouse-{with,without}.json`,
    }),
    row({
      id: "lighthouse.tbt",
      metric: "Theme block: total blocking time with the block (median)",
      value: t("with"),
      unit: "ms",
      baseline: t("without"),
      baselineLabel: "without the block",
      ratio: null,
      target: "(shown with the score)",
      verdict: "INFO",
    }),
  ];
}
