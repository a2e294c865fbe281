// Structured logs with customer data redacted: emails, phones, names, addresses and tokens never
// reach the log, whatever object a caller passes. Two layers: pino's redact paths censor fields by
// name, and every string of every log call (the message, `err`'s message and stack, nested fields,
// errors under any key) has whatever looks like an email address or a phone number replaced, since
// error messages quote values (a parser's "got string ...", a provider's "invalid To +1...").
import pino from "pino";
import { env } from "../env.server";

export const REDACT_PATHS = [
  "email",
  "*.email",
  "*.*.email",
  "phone",
  "*.phone",
  "*.*.phone",
  "recipient",
  "*.recipient",
  "to",
  "*.to",
  "firstName",
  "*.firstName",
  "lastName",
  "*.lastName",
  "name",
  "*.customer",
  "customer",
  "address",
  "*.address",
  "shipping_address",
  "*.shipping_address",
  "billing_address",
  "*.billing_address",
  "accessToken",
  "*.accessToken",
  "token",
  "*.token",
  "apiKey",
  "*.apiKey",
  "authToken",
  "*.authToken",
  "rawBody",
  "*.rawBody",
  "headers.authorization",
  "*.headers.authorization",
];

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// Digit groups joined by spaces, dots, dashes or a parenthesised area code ("617-555-0142",
// "+1 (617) 555-0142", "06 12 34 56 78"), or "+" and 8-15 digits ("+16175550142"); 9-15 digits in
// all (checked below). Runs glued to letters, dots, colons or slashes are left alone, so ids, epoch
// times, ISO dates, clock times, versions, ports and URL paths stay readable. A bare digit run is an
// id, not a phone: it cannot be told apart without knowing the country.
const PHONE =
  /(?<![\w.:/+-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,4}){1,4}(?![\w.:/-])|(?<![\w+])\+\d{8,15}(?!\w)/g;

// V8's JSON.parse quotes the text around a bad token (`Unexpected token 'm', ..."{"email": maya.c"...
// is not valid JSON`): a cut-off excerpt of a webhook body that the patterns above cannot recognise.
const JSON_EXCERPT = /(Unexpected token '[^']*', ).*?( is not valid JSON)/gs;

/** Text with anything that looks like an email address or a phone number (or a JSON body excerpt) replaced. */
export function redactText(text: string): string {
  return text
    .replace(JSON_EXCERPT, "$1[excerpt]$2")
    .replace(EMAIL, "[email]")
    .replace(PHONE, (m) => {
      const digits = m.replace(/\D/g, "").length;
      return digits >= 9 && digits <= 15 ? "[phone]" : m;
    });
}

const MAX_DEPTH = 8;

/**
 * A copy of a log value with every string passed through redactText. Errors (under any key, and
 * their causes) become pino's serialized form first, so their message, stack and own fields are
 * covered too; cycles and very deep values are cut.
 */
export function redactValue(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === "string") return redactText(value);
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof Date) return value;
  if (seen.has(value) || depth > MAX_DEPTH) return "[truncated]";
  seen.add(value);
  if (value instanceof Error) {
    // Its own enumerable fields: type, message, stack (with causes') and the error's own properties.
    return redactValue({ ...pino.stdSerializers.err(value) }, depth + 1, seen);
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, depth + 1, seen);
  return out;
}

const options: pino.LoggerOptions = {
  level: env().LOG_LEVEL,
  redact: { paths: REDACT_PATHS, censor: "[redacted]" },
  base: { app: "waypoint" },
  // formatters.log sees each call's object before pino serializes or redacts it by path; `msg`
  // (including one taken from an error's message) and `err` have serializers of their own.
  formatters: { log: (obj) => redactValue(obj) as Record<string, unknown> },
  serializers: { err: (err: unknown) => redactValue(err), msg: (msg: unknown) => redactValue(msg) },
};

/** A logger with the app's redaction; tests pass a destination to read what it writes. */
export function createLogger(destination?: pino.DestinationStream, level?: pino.LevelWithSilentOrString): pino.Logger {
  const opts = level ? { ...options, level } : options;
  return destination ? pino(opts, destination) : pino(opts);
}

export const logger = createLogger();

/**
 * An error's message without the stack, for logs and stored error columns (Job.lastError,
 * WebhookReceipt.error, shown on the admin's failures page): emails and phone numbers removed.
 */
export function errorMessage(error: unknown): string {
  return redactText(error instanceof Error ? error.message : String(error)).slice(0, 2000);
}
