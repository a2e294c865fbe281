// The Admin GraphQL client sync uses: the real @shopify/shopify-api client with the shop's offline
// session, and the reading of its answers into three outcomes (data, throttled, unauthorized) so
// the jobs decide what to do: go on, wait for the bucket to refill, or pause the shop.
import "@shopify/shopify-api/adapters/node";
import {
  ApiVersion,
  GraphqlQueryError,
  HttpResponseError,
  LogSeverity,
  Session,
  shopifyApi,
} from "@shopify/shopify-api";
import type { Db } from "../db.server";
import { env } from "../env.server";
import { useAdminApiOrigin } from "../lib/admin-api-origin.server";
import { logger } from "../lib/logger.server";
import type { ThrottleStatus } from "./rules/order-node";

export interface GraphqlAnswer {
  data?: unknown;
  extensions?: {
    cost?: { requestedQueryCost?: number; actualQueryCost?: number | null; throttleStatus?: ThrottleStatus };
  };
}

/** One GraphQL request; throws @shopify/shopify-api's errors (GraphqlQueryError, HttpResponseError). */
export type SyncClient = (query: string, variables: Record<string, unknown>) => Promise<GraphqlAnswer>;

/** Builds a client for an offline session (the app: shopify.server's api; tests: their own shopifyApi). */
export type SyncClientFactory = (session: Session) => SyncClient;

export type SyncOutcome<T> =
  | { kind: "ok"; data: T; throttle: ThrottleStatus | null; requestedCost: number }
  | { kind: "throttled"; throttle: ThrottleStatus | null; requestedCost: number }
  | { kind: "unauthorized"; message: string };

/** The shop's offline session as the session storage holds it, or null (uninstalled, never authorised). */
export async function offlineSession(db: Db, shopDomain: string): Promise<Session | null> {
  const row = await db.session.findFirst({ where: { shop: shopDomain, isOnline: false } });
  if (!row?.accessToken) return null;
  return new Session({
    id: row.id,
    shop: row.shop,
    state: row.state,
    isOnline: false,
    scope: row.scope ?? undefined,
    accessToken: row.accessToken,
  });
}

let library: ReturnType<typeof shopifyApi> | null = null;

/**
 * The app's factory: @shopify/shopify-api's GraphQL client (API 2026-07) for the offline session
 * read from the caller's database. Not unauthenticated.admin: that reads sessions from the app's
 * own storage client, and this runs in worker threads and tests with their own. In the demo, tests
 * and the bench SHOPIFY_ADMIN_API_ORIGIN sends it to the local simulator (lib/admin-api-origin).
 */
export async function appClientFactory(): Promise<SyncClientFactory> {
  const config = env();
  if (config.SHOPIFY_ADMIN_API_ORIGIN) useAdminApiOrigin(config.SHOPIFY_ADMIN_API_ORIGIN);
  library ??= shopifyApi({
    apiKey: config.SHOPIFY_API_KEY,
    apiSecretKey: config.SHOPIFY_API_SECRET,
    apiVersion: ApiVersion.July26,
    hostName: new URL(config.SHOPIFY_APP_URL).host,
    isEmbeddedApp: true,
    logger: { level: LogSeverity.Error, log: async (_severity, message) => logger.error(message) },
  });
  const api = library;
  return (session) => async (query, variables) =>
    (await new api.clients.Graphql({ session }).request(query, { variables })) as GraphqlAnswer;
}

/** Sends one query and classifies the answer. Other failures (network, 5xx) are thrown: the queue retries. */
export async function ask<T>(
  client: SyncClient,
  query: string,
  variables: Record<string, unknown>,
): Promise<SyncOutcome<T>> {
  try {
    const answer = await client(query, variables);
    const cost = answer.extensions?.cost;
    return {
      kind: "ok",
      data: answer.data as T,
      throttle: cost?.throttleStatus ?? null,
      requestedCost: cost?.requestedQueryCost ?? 0,
    };
  } catch (error) {
    if (error instanceof GraphqlQueryError) {
      const body = error.body as
        | {
            errors?: { graphQLErrors?: { extensions?: { code?: string } }[] };
            extensions?: GraphqlAnswer["extensions"];
          }
        | undefined;
      const throttled = body?.errors?.graphQLErrors?.some((e) => e.extensions?.code === "THROTTLED");
      if (throttled) {
        const cost = body?.extensions?.cost;
        return {
          kind: "throttled",
          throttle: cost?.throttleStatus ?? null,
          requestedCost: cost?.requestedQueryCost ?? 0,
        };
      }
    }
    if (error instanceof HttpResponseError && (error.response.code === 401 || error.response.code === 403)) {
      return { kind: "unauthorized", message: `${error.response.code} ${error.response.statusText}` };
    }
    throw error;
  }
}
