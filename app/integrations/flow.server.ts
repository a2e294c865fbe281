// Shopify Flow: fires a Waypoint trigger (extensions/waypoint-*) with the Admin API's flowTriggerReceive,
// through the real @shopify/shopify-api GraphQL client and the shop's offline session, read from the
// app's session table (where PrismaSessionStorage keeps it). The app goes through shopifyApp()'s unauthenticated.admin;
// tests pass their own shopifyApi() instance pointed at the Admin API simulator (graphqlWithApi).
import { GraphqlQueryError, HttpResponseError, Session, type Shopify } from "@shopify/shopify-api";
import type { Db } from "../db.server";
import { IntegrationError } from "./errors";
import type { FlowPayload } from "./rules/milestones";

export const FLOW_TRIGGER_RECEIVE = `#graphql
  mutation WaypointFlowTriggerReceive($handle: String, $payload: JSON) {
    flowTriggerReceive(handle: $handle, payload: $payload) {
      userErrors { field message }
    }
  }`;

interface TriggerAnswer {
  flowTriggerReceive?: { userErrors: { field: string[] | null; message: string }[] } | null;
}

/** Fires a trigger for a shop; throws IntegrationError when Shopify refuses or cannot be reached. */
export type FlowTrigger = (db: Db, shopDomain: string, handle: string, payload: FlowPayload) => Promise<void>;

async function offlineSession(db: Db, shopDomain: string): Promise<Session | null> {
  const row = await db.session.findFirst({ where: { shop: shopDomain, isOnline: false } });
  if (!row) return null;
  return new Session({
    id: row.id,
    shop: row.shop,
    state: row.state,
    isOnline: false,
    accessToken: row.accessToken,
    ...(row.scope ? { scope: row.scope } : {}),
  });
}

/** Runs one Admin GraphQL request for a shop and returns its body, throwing the library's errors. */
export type AdminGraphql = (
  db: Db,
  shopDomain: string,
  query: string,
  variables: Record<string, unknown>,
) => Promise<{ data?: unknown }>;

/** Admin GraphQL through a shopify-api instance's client and the offline session in the app's table (tests). */
export function graphqlWithApi(api: Pick<Shopify, "clients">): AdminGraphql {
  return async (db, shopDomain, query, variables) => {
    const session = await offlineSession(db, shopDomain);
    if (!session) throw new IntegrationError("flow", "no offline session for the shop", { kind: "config" });
    return new api.clients.Graphql({ session }).request(query, { variables });
  };
}

/** The app's: shopifyApp()'s unauthenticated.admin, the same client over the same session table. */
const appGraphql: AdminGraphql = async (db, shopDomain, query, variables) => {
  const session = await db.session.findFirst({ where: { shop: shopDomain, isOnline: false }, select: { id: true } });
  if (!session) throw new IntegrationError("flow", "no offline session for the shop", { kind: "config" });
  const { unauthenticated } = await import("../shopify.server");
  const { admin } = await unauthenticated.admin(shopDomain);
  const res = await admin.graphql(query, { variables });
  return (await res.json()) as { data?: unknown };
};

/** The Flow trigger sender over an Admin GraphQL transport (the app's by default). */
export function flowTriggerWith(graphql: AdminGraphql = appGraphql): FlowTrigger {
  return async (db, shopDomain, handle, payload) => {
    let data: TriggerAnswer | undefined;
    try {
      data = (await graphql(db, shopDomain, FLOW_TRIGGER_RECEIVE, { handle, payload })).data as TriggerAnswer;
    } catch (error) {
      throw error instanceof IntegrationError ? error : flowError(error);
    }
    const userErrors = data?.flowTriggerReceive?.userErrors ?? [];
    if (userErrors.length > 0) {
      // Flow's userErrors name the field and what is wrong with it (an unknown handle, a missing key).
      const text = userErrors.map((u) => `${(u.field ?? []).join(".") || "payload"}: ${u.message}`).join("; ");
      throw new IntegrationError("flow", `flowTriggerReceive: ${text}`, { status: 200, kind: "permanent" });
    }
  };
}

function flowError(error: unknown): IntegrationError {
  if (error instanceof HttpResponseError) {
    const status = error.response.code;
    return new IntegrationError("flow", `Admin API ${status}`, {
      status,
      kind: status === 401 || status === 403 ? "config" : undefined,
    });
  }
  if (error instanceof GraphqlQueryError) {
    const body = error.body as { errors?: { graphQLErrors?: { message?: string; extensions?: { code?: string } }[] } };
    const first = body?.errors?.graphQLErrors?.[0];
    const code = first?.extensions?.code ?? null;
    if (code === "THROTTLED") return new IntegrationError("flow", "Admin API THROTTLED", { status: 429 });
    if (code === "ACCESS_DENIED")
      return new IntegrationError("flow", `Admin API ACCESS_DENIED: ${first?.message ?? ""}`, { kind: "config" });
    return new IntegrationError("flow", `Admin API error: ${first?.message ?? error.message}`, {
      status: 200,
      kind: "permanent",
    });
  }
  // No HTTP answer (reset, timeout): the trigger may have fired. Flow takes no idempotency key.
  const code = (error as { cause?: { code?: string }; code?: string })?.cause?.code ?? null;
  return new IntegrationError("flow", `Admin API unreachable: ${code ?? "network error"}`, {
    code,
    kind: "transient",
    ambiguous: true,
  });
}

/** The app's sender. */
export const appFlowTrigger: FlowTrigger = flowTriggerWith();
