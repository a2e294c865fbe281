// The Admin GraphQL simulator answers the real @shopify/shopify-api client as Shopify does: the
// token checked, operations dispatched by name, cost charged against a leaky bucket, THROTTLED with
// the cost extension when the bucket cannot pay, 401 for a revoked token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "@shopify/shopify-api/adapters/web-api";
import { ApiVersion, GraphqlQueryError, HttpResponseError, Session, shopifyApi } from "@shopify/shopify-api";
import { useAdminApiOrigin } from "~/lib/admin-api-origin.server";
import { operationName, startAdminApi, type AdminApi } from "../../scripts/simulator/admin-api/server";

const SHOP = "sim-admin.myshopify.com";
const QUERY = `#graphql
  query WaypointShopName($n: Int!) { shop { name } }`;

let api: AdminApi;
let clock = 1_000_000;
const shopify = shopifyApi({
  apiKey: "key",
  apiSecretKey: "secret",
  apiVersion: ApiVersion.July26,
  hostName: "waypoint.test",
  isEmbeddedApp: true,
  logger: { level: 0, log: () => {} },
});
const session = new Session({
  id: `offline_${SHOP}`,
  shop: SHOP,
  state: "s",
  isOnline: false,
  accessToken: "shpat_ok",
});
const client = () => new shopify.clients.Graphql({ session });

beforeAll(async () => {
  api = await startAdminApi({
    tokens: { [SHOP]: "shpat_ok" },
    now: () => clock,
    bucket: { maximumAvailable: 100, restoreRate: 10 },
    handlers: {
      WaypointShopName: { cost: (v) => Number(v.n), handle: () => ({ data: { shop: { name: "Sim" } } }) },
    },
  });
  useAdminApiOrigin(api.origin);
});
afterAll(async () => {
  useAdminApiOrigin(null);
  await api.close();
});

describe("Admin GraphQL simulator", () => {
  it("names operations as Shopify's query documents do", () => {
    expect(operationName("#graphql\n  mutation FlowTrigger($x: ID!) { a }")).toBe("FlowTrigger");
    expect(operationName("{ shop { name } }")).toBeNull();
  });

  it("answers the real client with data and the cost extension, charging the bucket", async () => {
    const res = await client().request(QUERY, { variables: { n: 30 } });
    expect(res.data).toEqual({ shop: { name: "Sim" } });
    const cost = (res.extensions as { cost: { throttleStatus: { currentlyAvailable: number } } }).cost;
    expect(cost.throttleStatus.currentlyAvailable).toBe(70);
    expect(api.requests.at(-1)).toMatchObject({ shop: SHOP, version: "2026-07", operationName: "WaypointShopName" });
  });

  it("throttles when the bucket cannot pay, and restores at the restore rate", async () => {
    api.setAvailable(SHOP, 5);
    const error = await client()
      .request(QUERY, { variables: { n: 30 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphqlQueryError);
    const body = (error as GraphqlQueryError).body as {
      errors: { graphQLErrors: { extensions: { code: string } }[] };
      extensions: { cost: { requestedQueryCost: number; throttleStatus: { currentlyAvailable: number } } };
    };
    expect(body.errors.graphQLErrors[0]!.extensions.code).toBe("THROTTLED");
    expect(body.extensions.cost.requestedQueryCost).toBe(30);
    clock += 3_000; // 3 s at 10 points/s: 35 available
    const res = await client().request(QUERY, { variables: { n: 30 } });
    expect(res.data).toEqual({ shop: { name: "Sim" } });
  });

  it("answers 401 to a revoked token, as Shopify does after an uninstall", async () => {
    api.setToken(SHOP, null);
    const error = await client()
      .request(QUERY, { variables: { n: 1 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpResponseError);
    expect((error as HttpResponseError).response.code).toBe(401);
    api.setToken(SHOP, "shpat_ok");
  });
});
