// TEMPORARY until the notification service lands (being written now): domain events are accepted.
import type { HandlerMap } from "./worker.server";

export const notificationHandlers: HandlerMap = {
  "tracking.stage_changed": async () => {},
  "tracking.order_confirmed": async () => {},
};
