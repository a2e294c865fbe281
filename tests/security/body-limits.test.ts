// Bodies read before a request is authenticated are capped while streaming (issue 15, item 2): an
// oversized chunked body with no Content-Length is answered 413 after at most the cap (and a chunk) has
// been pulled from it, and a declared Content-Length over the cap before anything is read. Checked on
// every door that reads such a body: the webhook door in front of Remix (on a real socket), the Remix
// webhook routes, the storefront's app proxy, and the Twilio and SendGrid webhooks. What is asserted is
// the number of bytes taken from the stream, never time or memory.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { PassThrough } from "node:stream";
import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebhookIngest, type WebhookIngest } from "~/ingest/door.server";
import { BODY_LIMITS, BodyBudget, readBody, readNodeBody, type BodyRefusal } from "~/lib/body.server";
import { freshDb, type TestDb } from "../support/db";
import { SECRET, signedWebhook } from "../support/shopify-webhooks";
import { proxyRequest } from "../support/storefront";

type Action = (args: ActionFunctionArgs) => Promise<Response>;

/**
 * A body of `total` bytes that produces a chunk only when one is read (highWaterMark 0), counting
 * what was pulled. The same zeroed chunk is handed out each time: nothing is allocated per chunk.
 */
function counted(total: number, chunk: number) {
  const piece = new Uint8Array(chunk);
  const state = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (state.pulled >= total) return controller.close();
        const n = Math.min(chunk, total - state.pulled);
        state.pulled += n;
        controller.enqueue(n === chunk ? piece : piece.subarray(0, n));
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

/** A POST whose body streams (chunked: no Content-Length) from `counted`. */
function streaming(url: string, total: number, chunk: number, headers: Record<string, string> = {}) {
  const { stream, state } = counted(total, chunk);
  const request = new Request(url, { method: "POST", headers, body: stream, duplex: "half" } as RequestInit);
  return { request, state };
}

/** What Remix answers: the action's Response, or the Response it threw. */
async function respond(fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const MiB = 1024 * 1024;

describe("the readers", () => {
  it("web: a declared Content-Length over the cap is refused with nothing read", async () => {
    const { stream, state } = counted(64 * 1024, 1024);
    const request = new Request("https://waypoint.test/x", {
      method: "POST",
      headers: { "Content-Length": String(64 * 1024) },
      body: stream,
      duplex: "half",
    } as RequestInit);
    const refused = await respond(() => readBody(request, 1024, new BodyBudget(MiB)).then(() => new Response("read")));
    expect(refused.status).toBe(413);
    expect(await refused.text()).toBe("Request body over 1024 bytes");
    expect(state.pulled).toBe(0);
  });

  it("web: a body within the cap is read whole, and the budget is given back", async () => {
    const budget = new BodyBudget(MiB);
    const { request } = streaming("https://waypoint.test/x", 10_000, 1000);
    expect((await readBody(request, 10_000, budget)).length).toBe(10_000);
    expect(budget.used).toBe(0);
  });

  it("web: reads in parallel share the process's budget; past it 503 with Retry-After, and nothing stays counted", async () => {
    const budget = new BodyBudget(1000);
    // A holds 700 bytes and waits for more (its second pull is pending).
    let finishA!: () => void;
    let asked!: () => void;
    const waiting = new Promise<void>((resolve) => (asked = resolve));
    let pulls = 0;
    const a = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls += 1;
          if (pulls === 1) return controller.enqueue(new Uint8Array(700));
          asked();
          return new Promise<void>((resolve) => (finishA = () => (controller.close(), resolve())));
        },
      },
      { highWaterMark: 0 },
    );
    const readingA = readBody(
      new Request("https://waypoint.test/a", { method: "POST", body: a, duplex: "half" } as RequestInit),
      5000,
      budget,
    );
    await waiting;
    expect(budget.used).toBe(700);
    const b = streaming("https://waypoint.test/b", 700, 700);
    const busy = await respond(() => readBody(b.request, 5000, budget).then(() => new Response("read")));
    expect(busy.status).toBe(503);
    expect(busy.headers.get("retry-after")).toBe("5");
    expect(budget.used).toBe(700); // B's bytes given back at once
    finishA();
    expect((await readingA).length).toBe(700);
    expect(budget.used).toBe(0);
  });

  it("node: stops reading (pauses) past the cap, refuses past the budget, and gives every byte back", async () => {
    const budget = new BodyBudget(1000);
    const request = () =>
      Object.assign(new PassThrough(), { headers: {} }) as unknown as http.IncomingMessage & PassThrough;
    const outcomes: Record<string, { body: Buffer | null; refusal?: BodyRefusal }> = {};
    const read = (name: string, req: http.IncomingMessage) =>
      readNodeBody(req, 800, budget, (body, refusal) => (outcomes[name] = { body, refusal }));
    const tick = () => new Promise((resolve) => setImmediate(resolve));

    const big = request();
    read("big", big);
    big.write(Buffer.alloc(500));
    big.write(Buffer.alloc(500));
    await tick();
    expect(outcomes.big).toEqual({ body: null, refusal: expect.objectContaining({ status: 413 }) });
    expect(big.isPaused()).toBe(true);
    expect(budget.used).toBe(0);

    const a = request();
    const b = request();
    read("a", a);
    read("b", b);
    a.write(Buffer.alloc(600));
    await tick();
    b.write(Buffer.alloc(600));
    await tick();
    expect(outcomes.b).toEqual({ body: null, refusal: expect.objectContaining({ status: 503, retryAfter: 5 }) });
    a.end(Buffer.alloc(100));
    await tick();
    expect(outcomes.a?.body?.length).toBe(700);
    expect(budget.used).toBe(0);

    const gone = request();
    read("gone", gone);
    gone.write(Buffer.alloc(300));
    await tick();
    expect(budget.used).toBe(300);
    gone.destroy(); // the client went away mid-body
    await tick();
    expect(outcomes.gone).toEqual({ body: null, refusal: undefined });
    expect(budget.used).toBe(0);
  });
});

describe("the webhook door in front of Remix, on a socket", () => {
  let t: TestDb;
  let ingest: WebhookIngest;
  let server: http.Server;
  let port: number;
  /** The server side of each request's connection, by request path. */
  const sockets = new Map<string, Socket>();

  beforeAll(async () => {
    t = await freshDb("sqlite");
    ingest = createWebhookIngest({ db: t.db, secret: SECRET });
    server = http.createServer((req, res) => {
      sockets.set(req.url ?? "", req.socket);
      if (!ingest.handleNodeRequest(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections(); // refused bodies leave their connection open until the idle timeout
    await new Promise((resolve) => server.close(resolve));
    await ingest.close();
    await t.drop();
  });

  /** Starts a POST with these headers; `write` feeds its body. Resolves with the answer, then hangs up. */
  function post(
    path: string,
    headers: Record<string, string | number>,
    write: (req: http.ClientRequest) => void,
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, method: "POST", path, headers });
      req.on("response", (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => {
          resolve({ status: res.statusCode ?? 0, body });
          req.destroy(); // a refused upload is still blocked on the server's closed window
        });
        res.on("error", reject);
      });
      req.on("error", () => {}); // writes after our own hang-up fail
      write(req);
    });
  }

  /** Writes `total` bytes in 64 KB chunks as fast as the socket takes them, chunked, until refused. */
  function flood(total: number) {
    return (req: http.ClientRequest) => {
      const piece = Buffer.alloc(64 * 1024);
      let sent = 0;
      const more = () => {
        while (sent < total && !req.destroyed) {
          sent += piece.length;
          if (!req.write(piece)) return void req.once("drain", more);
        }
        if (!req.destroyed) req.end();
      };
      more();
    };
  }

  it.each(["/webhooks/tracking", "/webhooks/tracking/", "/Webhooks/TRACKING", "/webhooks/%74racking"])(
    "%s: a chunked body over the cap is answered 413 after reading little more than the cap",
    async (path) => {
      const limit = BODY_LIMITS.webhook;
      const answer = await post(path, { "Content-Type": "application/json" }, flood(6 * limit));
      expect(answer).toEqual({ status: 413, body: `Request body over ${limit} bytes` });
      const taken = sockets.get(path)!.bytesRead; // paused: nothing more is read off this socket
      expect(taken).toBeGreaterThan(limit);
      expect(taken).toBeLessThan(limit + MiB); // headers, and the chunk or two in flight when reading stopped
      expect(await t.db.webhookReceipt.count()).toBe(0);
    },
  );

  it("a declared Content-Length over the cap is answered before any of the body is sent", async () => {
    // Only the headers go out; the answer has to come without waiting for the body.
    const answer = await post("/webhooks/tracking/?declared", { "Content-Length": BODY_LIMITS.webhook + 1 }, (req) =>
      req.flushHeaders(),
    );
    expect(answer).toEqual({ status: 413, body: `Request body over ${BODY_LIMITS.webhook} bytes` });
  });

  it("a body within the cap still goes through", async () => {
    const signed = signedWebhook("orders/create", { id: 1 }, { webhookId: "within-cap" });
    const body = Buffer.from(await signed.arrayBuffer());
    const answer = await post("/webhooks/tracking/", Object.fromEntries(signed.headers), (req) => req.end(body));
    expect(answer).toEqual({ status: 200, body: "OK" });
    expect(await t.db.webhookReceipt.count({ where: { webhookId: "within-cap" } })).toBe(1);
  });
});

describe("Remix routes and handlers", () => {
  let t: TestDb;
  let routes: Record<
    "tracking" | "twilio" | "twilioStatus" | "sendgrid" | "lookup" | "page" | "events",
    { action: Action }
  >;

  beforeAll(async () => {
    t = await freshDb("sqlite");
    process.env.DATABASE_URL = t.url; // read when app/db.server first builds its client
    routes = {
      tracking: await import("~/routes/webhooks.tracking"),
      twilio: await import("~/routes/webhooks.twilio"),
      twilioStatus: await import("~/routes/webhooks.twilio.status"),
      sendgrid: await import("~/routes/webhooks.sendgrid"),
      lookup: await import("~/routes/proxy.api.lookup"),
      page: await import("~/routes/proxy._index"),
      events: await import("~/routes/proxy.api.events"),
    };
  });
  afterAll(async () => {
    const { default: db } = await import("~/db.server");
    await db.$disconnect();
    await t.drop();
  });

  const call = (route: keyof typeof routes, request: Request) =>
    respond(() => routes[route].action({ request, params: {}, context: {} }));

  it("webhooks.tracking: an unsigned chunked body over 10 MB is refused after the cap, not read whole", async () => {
    const limit = BODY_LIMITS.webhook;
    const chunk = 64 * 1024;
    const { request, state } = streaming("https://waypoint.test/webhooks/tracking/", 40 * limit, chunk, {
      "Content-Type": "application/json",
    });
    const res = await call("tracking", request);
    expect(res.status).toBe(413);
    expect(await res.text()).toBe(`Request body over ${limit} bytes`);
    expect(state.pulled).toBeGreaterThan(limit);
    expect(state.pulled).toBeLessThanOrEqual(limit + chunk);
    expect(await t.db.webhookReceipt.count()).toBe(0);
  });

  it("webhooks.tracking: a declared Content-Length over the cap is refused before reading", async () => {
    const { stream, state } = counted(BODY_LIMITS.webhook + 1, 64 * 1024);
    const request = new Request("https://waypoint.test/webhooks/tracking", {
      method: "POST",
      headers: { "Content-Length": String(BODY_LIMITS.webhook + 1) },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect((await call("tracking", request)).status).toBe(413);
    expect(state.pulled).toBe(0);
  });

  it.each([
    ["twilio", "/webhooks/twilio", BODY_LIMITS.twilio],
    ["twilioStatus", "/webhooks/twilio/status", BODY_LIMITS.twilio],
    ["sendgrid", "/webhooks/sendgrid", BODY_LIMITS.sendgrid],
  ] as const)(
    "%s: a chunked body over the cap is refused after the cap, before any signature is checked",
    async (route, path, limit) => {
      const chunk = 4 * 1024;
      const { request, state } = streaming(`https://waypoint.test${path}`, 30 * MiB, chunk, {
        "Content-Type": route === "sendgrid" ? "application/json" : "application/x-www-form-urlencoded",
        "X-Twilio-Signature": "c2lnbmF0dXJl", // present, so the handler goes on to read the body
        "X-Twilio-Email-Event-Webhook-Signature": "c2lnbmF0dXJl",
        "X-Twilio-Email-Event-Webhook-Timestamp": "1700000000",
      });
      const res = await call(route, request);
      expect(res.status).toBe(413);
      expect(state.pulled).toBeGreaterThan(limit);
      expect(state.pulled).toBeLessThanOrEqual(limit + chunk);
    },
  );

  it.each(["lookup", "page", "events"] as const)(
    "storefront %s: a signed request with a 30 MB chunked body is refused after 8 KB",
    async (route) => {
      const chunk = 1024;
      const path = { lookup: "/api/lookup", page: "", events: "/api/events" }[route];
      const signed = proxyRequest(path, { method: "POST" });
      const { request, state } = streaming(signed.url, 30 * MiB, chunk, {
        ...Object.fromEntries(signed.headers),
        "Content-Type": "application/json",
      });
      const res = await call(route, request);
      expect(res.status).toBe(413);
      expect(state.pulled).toBeGreaterThan(BODY_LIMITS.storefront);
      expect(state.pulled).toBeLessThanOrEqual(BODY_LIMITS.storefront + chunk);
    },
  );
});
