// The simulator's Flow (scripts/simulator/admin-api/flow.ts) answers flowTriggerReceive as Shopify
// documents it: FlowTriggerReceivePayload { userErrors { field message } }, a known handle, every
// declared field present with a value of its type, nothing undeclared, at most 50 KB.
import { describe, expect, it } from "vitest";
import { FLOW_TRIGGER_RECEIVE } from "~/integrations/flow.server";
import { FLOW_FIELDS, flowPayload, type MilestoneFields } from "~/integrations/rules/milestones";
import { flowHandlers } from "../../scripts/simulator/admin-api/flow";

const fields: MilestoneFields = {
  milestone: "delivered",
  occurredAt: "2026-11-24T15:00:00.000Z",
  orderId: "42",
  orderName: "#1001",
  shipmentName: "#1001.1",
  carrier: "UPS",
  trackingNumber: "1Z",
  carrierTrackingUrl: null,
  estimatedDelivery: null,
  delayReason: null,
};
const sim = flowHandlers({ "waypoint-shipment-delivered": { fields: FLOW_FIELDS } });
const handler = sim.handlers.WaypointFlowTriggerReceive!;
const ctx = { shop: "acme.myshopify.com", version: "2026-07", query: FLOW_TRIGGER_RECEIVE };
const errorsOf = async (variables: Record<string, unknown>, query = FLOW_TRIGGER_RECEIVE) => {
  const answer = await handler.handle(variables, { ...ctx, query });
  return (answer.data as { flowTriggerReceive: { userErrors: { field: string[]; message: string }[] } } | undefined)
    ?.flowTriggerReceive.userErrors;
};
const good = () => flowPayload(fields, "https://shop.acme.test/apps/track?token=t");

describe("Admin API simulator: flowTriggerReceive", () => {
  it("accepts the app's payload and records the workflow start", async () => {
    expect(await errorsOf({ handle: "waypoint-shipment-delivered", payload: good() })).toEqual([]);
    expect(sim.fired.at(-1)).toMatchObject({ shop: ctx.shop, handle: "waypoint-shipment-delivered" });
  });

  it("refuses an unknown handle, a missing or mistyped field, an undeclared one, and over 50 KB", async () => {
    const count = sim.fired.length;
    expect(await errorsOf({ handle: "nope", payload: good() })).toEqual([
      { field: ["handle"], message: "Invalid handle" },
    ]);
    const { Carrier: _dropped, ...missing } = good();
    expect(await errorsOf({ handle: "waypoint-shipment-delivered", payload: missing })).toEqual([
      { field: ["payload", "Carrier"], message: "Missing field" },
    ]);
    expect(
      await errorsOf({
        handle: "waypoint-shipment-delivered",
        payload: { ...good(), order_id: "42", "Has estimate": "no", "Occurred at": "yesterday" },
      }),
    ).toEqual([
      { field: ["payload", "order_id"], message: "Field must be a numeric id" },
      { field: ["payload", "Occurred at"], message: "Field must be an ISO 8601 date and time" },
      { field: ["payload", "Has estimate"], message: "Field must be a boolean" },
    ]);
    expect(
      await errorsOf({ handle: "waypoint-shipment-delivered", payload: { ...good(), email: "a@b.test" } }),
    ).toEqual([{ field: ["payload", "email"], message: "Field is not defined on the trigger" }]);
    expect(
      await errorsOf({ handle: "waypoint-shipment-delivered", payload: { ...good(), Carrier: "x".repeat(50_001) } }),
    ).toEqual([{ field: ["payload"], message: "Payload exceeds 50 KB" }]);
    expect(sim.fired.length).toBe(count);
  });

  it("answers a GraphQL error to a query that is not the documented mutation", async () => {
    const answer = await handler.handle(
      { handle: "waypoint-shipment-delivered", payload: good() },
      { ...ctx, query: "mutation WaypointFlowTriggerReceive { flowTriggerReceive { __typename } }" },
    );
    expect(answer.errors?.[0]?.message).toMatch(/flowTriggerReceive/);
  });
});
