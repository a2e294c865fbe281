// The production server (`npm start`): what remix-serve does (compression, fingerprinted assets
// cached for a year, Remix for every other request), with one door in front. POSTs to the webhook
// routes are answered by the app's own ingest handler (app/ingest/door.server.ts, exported from
// the server build as entry.module.handleWebhookRequest) before Express and Remix see them: the
// same verification, receipt and job as the routes, at a fraction of the per-request cost, which is
// what lets one instance keep up with a Black Friday webhook storm (BENCHMARKS.md).
//
// No per-request access log: app-proxy URLs carry customer ids and lookup codes in their query.
import http from "node:http";
import path from "node:path";
import url from "node:url";
import { createRequestHandler } from "@remix-run/express";
import { installGlobals } from "@remix-run/node";
import compression from "compression";
import express from "express";
import sourceMapSupport from "source-map-support";

sourceMapSupport.install();
// Node's own fetch, Request and Response (static Response.json included), as under `vite dev`.
installGlobals({ nativeFetch: true });

const root = path.dirname(url.fileURLToPath(import.meta.url));
const build = await import(url.pathToFileURL(path.join(root, "build/server/index.js")).href);
const handleWebhookRequest = build.entry.module.handleWebhookRequest;
if (typeof handleWebhookRequest !== "function") {
  throw new Error(
    "build/server/index.js does not export handleWebhookRequest from app/entry.server.tsx; run npm run build",
  );
}

const app = express();
app.disable("x-powered-by");
app.use(compression());
app.use(build.publicPath, express.static(build.assetsBuildDirectory, { immutable: true, maxAge: "1y" }));
app.use(express.static(path.join(root, "public"), { maxAge: "1h" }));
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));

const server = http.createServer((req, res) => {
  if (!handleWebhookRequest(req, res)) app(req, res);
});
// Longer than typical load balancers' idle timeouts, so they never reuse a connection we closed.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
// A whole request within 2 minutes: a body trickled in holds its share of the pre-authentication body
// budget (MAX_BUFFERED_BODY_MB, app/lib/body.server.ts) no longer than this, and a refused body, left
// unread so its sender sees the 413, keeps its connection no longer than this or keepAliveTimeout.
server.requestTimeout = 120_000;

const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || undefined;
server.listen(port, host, () => {
  console.log(`[waypoint] http://${host ?? "localhost"}:${port}`);
});
