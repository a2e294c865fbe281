// A local Admin GraphQL API, answering as Shopify's does (shopify.dev, "GraphQL Admin API rate limits",
// "Authentication"), for tests, the demo and the bench. It checks the access token of every request,
// charges each operation's cost against a leaky bucket per shop (answering THROTTLED with the cost
// extension when the bucket cannot pay) and dispatches by operation name to handlers that the
// capabilities register (sync's orders and bulk operations, sources' write-back, integrations' Flow
// triggers), each in a module of its own beside this one.
//
// The real @shopify/shopify-api client reaches it through app/lib/admin-api-origin.server.ts, which
// rewrites https://<shop>/admin/api/<version>/graphql.json to <origin>/<shop>/admin/api/<version>/graphql.json.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface GraphqlError {
  message: string;
  extensions?: Record<string, unknown>;
  path?: (string | number)[];
}

/** What a handler answers: data and/or errors, and the operation's actual cost (default: the requested cost). */
export interface HandlerAnswer {
  data?: unknown;
  errors?: GraphqlError[];
  actualCost?: number;
}

export interface HandlerContext {
  shop: string;
  /** The API version in the path ("2026-07"). */
  version: string;
  query: string;
}

export interface AdminApiHandler {
  /** Requested cost of the operation for these variables (Shopify's calculated query cost). Default 10. */
  cost?: (variables: Record<string, unknown>) => number;
  handle: (variables: Record<string, unknown>, ctx: HandlerContext) => HandlerAnswer | Promise<HandlerAnswer>;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface RecordedRequest {
  shop: string;
  version: string;
  operationName: string | null;
  query: string;
  variables: Record<string, unknown>;
  status: number;
  throttled: boolean;
}

export interface AdminApiOptions {
  /** The access token each shop's requests must carry (X-Shopify-Access-Token); a shop absent here answers 401. */
  tokens: Record<string, string>;
  /** Handlers by GraphQL operation name (`query WaypointSyncOrders(...)` is "WaypointSyncOrders"). */
  handlers?: Record<string, AdminApiHandler>;
  /** Bucket per shop: Shopify's standard plan is 2,000 points restored at 100 per second. */
  bucket?: { maximumAvailable: number; restoreRate: number };
  /** Milliseconds clock for the bucket (tests pass a controlled one). */
  now?: () => number;
}

export interface AdminApi {
  /** http://127.0.0.1:PORT: give it to useAdminApiOrigin / SHOPIFY_ADMIN_API_ORIGIN. */
  origin: string;
  requests: RecordedRequest[];
  handlers: Record<string, AdminApiHandler>;
  /** Revokes (or sets) a shop's token: its requests then answer 401 as Shopify does for an uninstalled app. */
  setToken: (shop: string, token: string | null) => void;
  /** Empties (or sets) a shop's bucket, to test throttling without load. */
  setAvailable: (shop: string, available: number) => void;
  close: () => Promise<void>;
}

const OPERATION = /\b(?:query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)/;

export function operationName(query: string): string | null {
  return OPERATION.exec(query)?.[1] ?? null;
}

export async function startAdminApi(options: AdminApiOptions): Promise<AdminApi> {
  const tokens = new Map(Object.entries(options.tokens));
  const handlers: Record<string, AdminApiHandler> = { ...options.handlers };
  const bucket = options.bucket ?? { maximumAvailable: 2000, restoreRate: 100 };
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { available: number; at: number }>();
  const requests: RecordedRequest[] = [];

  const status = (shop: string): ThrottleStatus => {
    const b = buckets.get(shop) ?? { available: bucket.maximumAvailable, at: now() };
    const t = now();
    b.available = Math.min(bucket.maximumAvailable, b.available + ((t - b.at) / 1000) * bucket.restoreRate);
    b.at = t;
    buckets.set(shop, b);
    return {
      maximumAvailable: bucket.maximumAvailable,
      currentlyAvailable: b.available,
      restoreRate: bucket.restoreRate,
    };
  };

  const send = (res: http.ServerResponse, code: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(code, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(text),
    });
    res.end(text);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const m = /^\/([^/]+)\/admin\/api\/([0-9]{4}-[0-9]{2}|unstable)\/graphql\.json$/.exec(req.url ?? "");
        if (!m || req.method !== "POST") return send(res, 404, { errors: "Not Found" });
        const [, shop, version] = m as unknown as [string, string, string];
        let body: { query?: unknown; variables?: unknown };
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as typeof body;
        } catch {
          return send(res, 400, { errors: { query: "Required parameter missing or invalid" } });
        }
        const query = typeof body.query === "string" ? body.query : "";
        const variables = (body.variables && typeof body.variables === "object" ? body.variables : {}) as Record<
          string,
          unknown
        >;
        const name = operationName(query);
        const record: RecordedRequest = {
          shop,
          version,
          operationName: name,
          query,
          variables,
          status: 200,
          throttled: false,
        };
        requests.push(record);
        const expected = tokens.get(shop);
        if (!expected || req.headers["x-shopify-access-token"] !== expected) {
          record.status = 401;
          return send(res, 401, {
            errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
          });
        }
        if (!query) {
          record.status = 400;
          return send(res, 400, { errors: { query: "Required parameter missing or invalid" } });
        }
        const handler = name ? handlers[name] : undefined;
        if (!handler) {
          return send(res, 200, {
            errors: [{ message: `The simulator has no handler for operation ${name ?? "(anonymous)"}` }],
          });
        }
        const requested = handler.cost?.(variables) ?? 10;
        const throttle = status(shop);
        if (throttle.currentlyAvailable < requested) {
          record.throttled = true;
          return send(res, 200, {
            errors: [
              {
                message: "Throttled",
                extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
              },
            ],
            extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: throttle } },
          });
        }
        const answer = await handler.handle(variables, { shop, version, query });
        const actual = answer.actualCost ?? requested;
        const b = buckets.get(shop)!;
        b.available -= actual;
        send(res, 200, {
          ...(answer.data !== undefined ? { data: answer.data } : {}),
          ...(answer.errors ? { errors: answer.errors } : {}),
          extensions: {
            cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: status(shop) },
          },
        });
      })().catch((error: unknown) => {
        send(res, 500, { errors: `Internal error: ${error instanceof Error ? error.message : String(error)}` });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    handlers,
    setToken: (shop, token) => (token ? tokens.set(shop, token) : tokens.delete(shop)),
    setAvailable: (shop, available) => {
      status(shop);
      buckets.get(shop)!.available = available;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
