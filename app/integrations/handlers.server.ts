// The integration jobs the worker runs (app/jobs/registry.server.ts registers them).
import type { HandlerMap } from "../jobs/worker.server";
import { deliverIntegration, INTEGRATION_DELIVER, type IntegrationDeps } from "./outbox.server";

export function createIntegrationHandlers(deps: IntegrationDeps = {}): HandlerMap {
  return {
    [INTEGRATION_DELIVER]: async (payload, { db, now }) => {
      const id = (payload as { deliveryId?: unknown } | null)?.deliveryId;
      if (typeof id !== "string" || id.length === 0) throw new Error("job payload lacks deliveryId");
      await deliverIntegration(db, id, now(), deps);
    },
  };
}

export const integrationHandlers: HandlerMap = createIntegrationHandlers();
