// Back-pressure (issue 15, item 9): under overload a process refuses new work at once instead of
// queueing it without limit. Webhooks get 503 with Retry-After (Shopify retries) once WEBHOOK_MAX_PENDING
// deliveries wait for or are in a commit; storefront lookups and pages get 429 with Retry-After once
// STOREFRONT_MAX_IN_FLIGHT are being worked on. Every bound is checked with explicit counts: work is
// held in flight by gates the test opens, never by waiting for time to pass.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createWebhookIngest, type IncomingWebhook } from "~/ingest/door.server";
import { Storefront } from "~/storefront/handlers.server";
import type { LookupResult } from "~/storefront/lookup.server";
import { freshDb, type TestDb } from "../support/db";
import { SECRET, signedWebhook } from "../support/shopify-webhooks";
import { proxyRequest } from "../support/storefront";

let t: TestDb;
beforeAll(async () => {
  t = await freshDb("sqlite");
});
afterAll(async () => t.drop());
afterEach(() => vi.restoreAllMocks());

function delivery(id: string): IncomingWebhook {
  const rawBody = JSON.stringify({ id });
  const request = signedWebhook("orders/create", null, { webhookId: id, rawBody });
  return { rawBody, header: (name) => request.headers.get(name), headerEntries: () => request.headers.entries() };
}

describe("webhook ingest", () => {
  it("holds at most maxPending deliveries for the commit; the next gets 503 with Retry-After and is not stored", async () => {
    const ingest = createWebhookIngest({ db: t.db, secret: SECRET, maxPending: 3 });
    try {
      // accept() hands a verified delivery to the writer before its first await: three are pending now.
      const held = ["p-1", "p-2", "p-3"].map((id) => ingest.accept(delivery(id)));
      expect(ingest.pending).toBe(3);
      expect(await ingest.accept(delivery("p-4"))).toEqual({
        status: 503,
        body: "Too many webhooks in progress; retry later",
        retryAfter: 5,
      });
      expect((await Promise.all(held)).map((a) => a.status)).toEqual([200, 200, 200]);
      expect(ingest.pending).toBe(0);
      // Once they are committed there is room again: Shopify's retry of the refused one is stored.
      expect((await ingest.accept(delivery("p-4"))).status).toBe(200);
      expect(
        (
          await t.db.webhookReceipt.findMany({
            where: { webhookId: { startsWith: "p-" } },
            orderBy: { webhookId: "asc" },
          })
        ).map((r) => r.webhookId),
      ).toEqual(["p-1", "p-2", "p-3", "p-4"]);
    } finally {
      await ingest.close();
    }
  });

  it("both doors answer 503 with Retry-After over the bound, before reading the body", async () => {
    // No room at all (the counting is the test above): every delivery finds the ingest full.
    const ingest = createWebhookIngest({ db: t.db, secret: SECRET, maxPending: 0 });
    const server = http.createServer((req, res) => {
      if (!ingest.handleNodeRequest(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const request = signedWebhook("orders/create", { id: 1 }, { webhookId: "full-2" });
      const port = (server.address() as AddressInfo).port;
      const door = await fetch(`http://127.0.0.1:${port}/webhooks/tracking`, {
        method: "POST",
        headers: request.headers,
        body: await request.clone().arrayBuffer(),
      });
      expect(door.status).toBe(503);
      expect(door.headers.get("retry-after")).toBe("5");
      // The Remix door refuses before it pulls a byte of the body.
      let pulled = 0;
      const body = new ReadableStream<Uint8Array>(
        { pull: (c) => (pulled++, c.enqueue(new Uint8Array(1024))) },
        { highWaterMark: 0 },
      );
      const route = await ingest.receiveWebhook(
        new Request("https://waypoint.test/webhooks/tracking", {
          method: "POST",
          headers: request.headers,
          body,
          duplex: "half",
        } as RequestInit),
      );
      expect(route.status).toBe(503);
      expect(route.headers.get("retry-after")).toBe("5");
      expect(pulled).toBe(0);
      expect(await t.db.webhookReceipt.count({ where: { webhookId: "full-2" } })).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await ingest.close();
    }
  });
});

describe("storefront", () => {
  /** A lookup result held until the test opens its gate. */
  function gate() {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { open, opened };
  }
  const miss: LookupResult = {
    status: 404,
    body: { found: false, reason: "not_found", message: "" },
    shopId: null,
    orderId: null,
    outcome: "not_found",
  };

  it("works on at most maxInFlight lookups and pages at once; the next get 429 with Retry-After at once", async () => {
    const s = new Storefront({ db: t.db, maxInFlight: 2, secret: SECRET, analytics: { flushMs: 60_000 } });
    try {
      const g = gate();
      let started = 0;
      let bothStarted!: () => void;
      const running = new Promise<void>((resolve) => (bothStarted = resolve));
      vi.spyOn(s.lookups, "byOrder").mockImplementation(async () => {
        if (++started === 2) bothStarted();
        await g.opened;
        return miss;
      });
      const lookup = (ip: string) =>
        s.lookup(proxyRequest("/api/lookup", { body: { order: "#1001", email: "a@example.com" }, ip }));
      const first = [lookup("203.0.113.1"), lookup("203.0.113.2")];
      await running; // two lookups are in the lookup service, held there
      const refused = await lookup("203.0.113.3");
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toBe("2");
      expect(await refused.json()).toMatchObject({ found: false, reason: "rate_limited" });
      const page = await s.page(proxyRequest("", { ip: "203.0.113.4" }));
      expect(page.status).toBe(429);
      expect(page.headers.get("retry-after")).toBe("2");
      expect(started).toBe(2); // the refused ones never reached the lookup service

      g.open();
      expect((await Promise.all(first)).map((r) => r.status)).toEqual([404, 404]);
      // Room again: the next lookup is worked on.
      expect((await lookup("203.0.113.5")).status).toBe(404);
      expect(started).toBe(3);
    } finally {
      await s.analytics.flush();
      await s.limiter.close();
    }
  });

  it("gives the place back when a lookup fails", async () => {
    const s = new Storefront({ db: t.db, maxInFlight: 1, secret: SECRET, analytics: { flushMs: 60_000 } });
    try {
      vi.spyOn(s.lookups, "byOrder").mockRejectedValueOnce(new Error("database gone")).mockResolvedValue(miss);
      const lookup = () => s.lookup(proxyRequest("/api/lookup", { body: { order: "#1001", email: "a@example.com" } }));
      await expect(lookup()).rejects.toThrow("database gone");
      expect((await lookup()).status).toBe(404);
    } finally {
      await s.analytics.flush();
      await s.limiter.close();
    }
  });
});
