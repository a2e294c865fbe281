// The Admin API simulator's Shopify Flow: flowTriggerReceive(handle, payload) checked as Shopify documents
// it (GraphQL Admin API, "flowTriggerReceive"; Flow's trigger reference): the handle must be a trigger
// extension the app declared, the payload a JSON object of at most 50 KB carrying every declared field
// with a value of its type (a reference field as its numeric id, "order_id"). The answer is the
// documented FlowTriggerReceivePayload, { userErrors: [{ field, message }] }. Workflows started are recorded.
import type { AdminApiHandler } from "./server";

export type FlowFieldType = "order_reference" | "single_line_text_field" | "url" | "date_time" | "boolean";

export interface FlowTriggerDefinition {
  fields: readonly { type: FlowFieldType; key?: string }[];
}

export interface FiredTrigger {
  shop: string;
  handle: string;
  payload: Record<string, unknown>;
}

export interface FlowSimulator {
  handlers: Record<string, AdminApiHandler>;
  fired: FiredTrigger[];
}

/** Flow's payload limit for a trigger. */
export const FLOW_PAYLOAD_MAX_BYTES = 50_000;
const REFERENCE_KEYS: Partial<Record<FlowFieldType, string>> = { order_reference: "order_id" };
const MUTATION =
  /flowTriggerReceive\s*\(\s*handle:\s*\$handle\s*,\s*payload:\s*\$payload\s*\)\s*\{\s*userErrors\s*\{\s*field\s+message\s*\}\s*\}/;

function valueProblem(type: FlowFieldType, value: unknown): string | null {
  switch (type) {
    case "order_reference":
      return typeof value === "number" && Number.isSafeInteger(value) && value > 0 ? null : "must be a numeric id";
    case "single_line_text_field":
      return typeof value === "string" && !value.includes("\n") ? null : "must be a single-line string";
    case "url":
      return typeof value === "string" && /^https?:\/\/[^\s]+$/.test(value) ? null : "must be a URL";
    case "date_time":
      return typeof value === "string" && !Number.isNaN(Date.parse(value)) && /T/.test(value)
        ? null
        : "must be an ISO 8601 date and time";
    case "boolean":
      return typeof value === "boolean" ? null : "must be a boolean";
  }
}

/**
 * Handlers for the operation names the app uses (WaypointFlowTriggerReceive), checking each request
 * against the triggers the app declared (by handle).
 */
export function flowHandlers(
  triggers: Record<string, FlowTriggerDefinition>,
  operationNames: string[] = ["WaypointFlowTriggerReceive"],
): FlowSimulator {
  const fired: FiredTrigger[] = [];
  const handler: AdminApiHandler = {
    cost: () => 10,
    handle: (variables, ctx) => {
      if (!MUTATION.test(ctx.query)) {
        return { errors: [{ message: "Field 'flowTriggerReceive' is missing required selections or arguments" }] };
      }
      const errors: { field: string[]; message: string }[] = [];
      const handle = variables.handle;
      const def = typeof handle === "string" ? triggers[handle] : undefined;
      if (!def) errors.push({ field: ["handle"], message: "Invalid handle" });
      const payload = variables.payload;
      if (!payload || typeof payload !== "object" || Array.isArray(payload)) {
        errors.push({ field: ["payload"], message: "Payload must be a JSON object" });
      } else if (Buffer.byteLength(JSON.stringify(payload)) > FLOW_PAYLOAD_MAX_BYTES) {
        errors.push({ field: ["payload"], message: "Payload exceeds 50 KB" });
      } else if (def) {
        const p = payload as Record<string, unknown>;
        const declared = new Set<string>();
        for (const f of def.fields) {
          const key = f.key ?? REFERENCE_KEYS[f.type]!;
          declared.add(key);
          if (!(key in p)) errors.push({ field: ["payload", key], message: "Missing field" });
          else {
            const problem = valueProblem(f.type, p[key]);
            if (problem) errors.push({ field: ["payload", key], message: `Field ${problem}` });
          }
        }
        for (const key of Object.keys(p))
          if (!declared.has(key))
            errors.push({ field: ["payload", key], message: "Field is not defined on the trigger" });
      }
      if (errors.length === 0)
        fired.push({ shop: ctx.shop, handle: handle as string, payload: payload as Record<string, unknown> });
      return { data: { flowTriggerReceive: { userErrors: errors } } };
    },
  };
  return { handlers: Object.fromEntries(operationNames.map((n) => [n, handler])), fired };
}
