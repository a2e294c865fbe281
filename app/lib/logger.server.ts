// Structured logs with customer data redacted: emails, phones, names, addresses and tokens never
// reach the log, whatever object a caller passes.
import pino from "pino";
import { env } from "../env.server";

export const REDACT_PATHS = [
  "email", "*.email", "*.*.email", "phone", "*.phone", "*.*.phone", "recipient", "*.recipient",
  "to", "*.to", "firstName", "*.firstName", "lastName", "*.lastName", "name", "*.customer", "customer",
  "address", "*.address", "shipping_address", "*.shipping_address", "billing_address", "*.billing_address",
  "accessToken", "*.accessToken", "token", "*.token", "apiKey", "*.apiKey", "authToken", "*.authToken",
  "rawBody", "*.rawBody", "headers.authorization", "*.headers.authorization",
];

export const logger = pino({
  level: env().LOG_LEVEL,
  redact: { paths: REDACT_PATHS, censor: "[redacted]" },
  base: { app: "waypoint" },
});

/** An error's message without the stack, for logs and stored error columns. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message.slice(0, 2000);
  return String(error).slice(0, 2000);
}
