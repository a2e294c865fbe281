// What every payload parser shares: the error type, the zod building blocks, and the readers for
// ids, times and money. Rules (each is also stated where it is applied):
// - Ids: every id is the numeric id as a string. `admin_graphql_api_id` is preferred over `id`,
//   because ids above 2^53 lose digits as JS numbers; a bare numeric id beyond 2^53 is rejected.
//   parseWebhookJson() keeps such big integers as strings when parsing a raw body.
// - Times: ISO-8601 with an explicit offset (or Z) only; converted to the instant they name.
// - Money: decimal strings ("19.99") → integer hundredths, exactly (no floating point).
// - Errors name the field and the problem, never the value: bodies carry emails, phones and
//   addresses, and these messages end up in logs, WebhookReceipt.error and Job.lastError.
import { z } from "zod";

// ───────────────────────────────────────────── errors ─────────────────────────────────────────────

/** A payload that is not what we expect. `field` is a path like "line_items[0].id" ("body" for the whole). */
export class PayloadError extends Error {
  override readonly name = "PayloadError";
  readonly topic: string;
  readonly field: string;
  readonly reason: string;

  constructor(topic: string, field: string, reason: string) {
    super(`${topic} payload: ${field} ${reason}`);
    this.topic = topic;
    this.field = field;
    this.reason = reason;
  }
}

/**
 * What a value is, without what it says: its JSON type, and a length where that helps (an empty
 * string, a truncated list). Never the value itself.
 */
export function jsonShape(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value))
    return value.length === 0 ? "an empty array" : `an array of ${value.length} item${value.length === 1 ? "" : "s"}`;
  if (typeof value === "string")
    return value.length === 0
      ? "an empty string"
      : `a string of ${value.length} character${value.length === 1 ? "" : "s"}`;
  if (typeof value === "number") return "a number";
  if (typeof value === "boolean") return "a boolean";
  return typeof value === "object" ? "an object" : typeof value;
}

function formatPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const part of path) out += typeof part === "number" ? `[${part}]` : out ? `.${part}` : part;
  return out || "body";
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = root;
  for (const part of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[part];
  }
  return cur;
}

function issueReason(issue: z.ZodIssue, value: unknown): string {
  if (value === undefined) return "is missing";
  if (value === null) return "must not be null";
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type:
      return `must be ${article(issue.expected)}, got ${jsonShape(value)}`;
    case z.ZodIssueCode.custom:
      // Our own refinements' messages ("must be a decimal amount"): they never quote the value.
      return `${issue.message}, got ${jsonShape(value)}`;
    case z.ZodIssueCode.invalid_union:
      return `has the wrong type: got ${jsonShape(value)}`;
    case z.ZodIssueCode.too_small:
    case z.ZodIssueCode.too_big:
      // zod's message states only the bound ("Number must be greater than or equal to 0").
      return `is out of range (${issue.message})`;
    default:
      // Other zod messages can quote the value (invalid_enum_value: "received 'x'"): name the check only.
      return `is invalid (${issue.code}), got ${jsonShape(value)}`;
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** Parses `json` with `schema`, or throws a PayloadError naming the first bad field. */
export function parseWith<S extends z.ZodTypeAny>(schema: S, json: unknown, topic: string): z.output<S> {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new PayloadError(topic, "body", `must be a JSON object, got ${jsonShape(json)}`);
  }
  const result = schema.safeParse(json);
  if (result.success) return result.data as z.output<S>;
  const issue = result.error.issues[0];
  if (!issue) throw new PayloadError(topic, "body", "is invalid");
  throw new PayloadError(topic, formatPath(issue.path), issueReason(issue, valueAt(json, issue.path)));
}

// ───────────────────────────────────────── values: ids, times, money ─────────────────────────────────────────

const GID = /^gid:\/\/shopify\/[A-Za-z]+\/(\d+)(?:\?.*)?$/;

function idString(value: unknown): string | null {
  if (typeof value === "number") {
    return Number.isSafeInteger(value) && value > 0 ? String(value) : null;
  }
  if (typeof value === "string") {
    const s = value.trim();
    if (/^\d+$/.test(s) && !/^0+$/.test(s)) return s.replace(/^0+/, "");
    const m = GID.exec(s);
    if (m?.[1] && !/^0+$/.test(m[1])) return m[1].replace(/^0+/, "");
  }
  return null;
}

function idProblem(value: unknown): string {
  if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value)) {
    return "is beyond 2^53 and has lost digits; read the body with parseWebhookJson() or use admin_graphql_api_id";
  }
  return `must be a numeric id or a gid://shopify/... id, got ${jsonShape(value)}`;
}

/**
 * The numeric id of a Shopify id: 123, "123" or "gid://shopify/Order/123" → "123".
 * Throws PayloadError for anything else (including numbers that lost precision beyond 2^53).
 */
export function numericId(idOrGid: string | number): string {
  const id = idString(idOrGid);
  if (id === null) throw new PayloadError("id", "value", idProblem(idOrGid));
  return id;
}

export function join(path: string, field: string): string {
  return path ? `${path}.${field}` : field;
}

/** The id of a Shopify object, preferring its gid (exact) over its numeric id (may be a lossy number). */
export function objectId(topic: string, path: string, obj: { id?: unknown; admin_graphql_api_id?: unknown }): string {
  if (typeof obj.admin_graphql_api_id === "string" && obj.admin_graphql_api_id) {
    const fromGid = idString(obj.admin_graphql_api_id);
    if (fromGid === null)
      throw new PayloadError(topic, join(path, "admin_graphql_api_id"), idProblem(obj.admin_graphql_api_id));
    return fromGid;
  }
  return requiredId(topic, join(path, "id"), obj.id);
}

export function requiredId(topic: string, path: string, value: unknown): string {
  if (value === undefined) throw new PayloadError(topic, path, "is missing");
  if (value === null) throw new PayloadError(topic, path, "must not be null");
  const id = idString(value);
  if (id === null) throw new PayloadError(topic, path, idProblem(value));
  return id;
}

export function optionalId(topic: string, path: string, value: unknown): string | null {
  return value === undefined || value === null ? null : requiredId(topic, path, value);
}

const ISO_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * An ISO-8601 time with an explicit offset ("2026-11-20T10:15:00-05:00", "...Z", nanosecond
 * fractions as in X-Shopify-Triggered-At) → Date, or null when it is not one. Times without an
 * offset are refused: they do not name an instant.
 */
export function parseShopifyTime(value: string): Date | null {
  const m = ISO_TIME.exec(value.trim());
  if (!m) return null;
  const [, minute, seconds = "00", fraction = "", zone = "Z"] = m;
  const ms = (fraction + "000").slice(0, 3);
  const offset = zone.toUpperCase() === "Z" ? "Z" : zone.includes(":") ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const t = Date.parse(`${minute}:${seconds}.${ms}${offset}`);
  return Number.isNaN(t) ? null : new Date(t);
}

/** X-Shopify-Triggered-At → Date (null when absent or unreadable). */
export function parseTriggeredAt(header: string | null | undefined): Date | null {
  return header ? parseShopifyTime(header) : null;
}

/** The payload's own time, else X-Shopify-Triggered-At; throws when there is neither. */
export function timeOrTriggered(topic: string, own: Date | null | undefined, triggeredAt: Date | null): Date {
  const at = own ?? triggeredAt;
  if (!at || Number.isNaN(at.getTime())) {
    throw new PayloadError(topic, "body", "carries no time of its own and no X-Shopify-Triggered-At was given");
  }
  return at;
}

const MONEY = /^(-)?(\d+)(?:\.(\d*))?$/;

/**
 * A Shopify amount ("19.99", "10.0", "199", or a JSON number) → integer hundredths of the currency
 * unit, exactly, rounding half away from zero past the second decimal. Null when it is not an amount.
 */
export function moneyToCents(amount: string | number): number | null {
  const text = typeof amount === "number" ? (Number.isFinite(amount) ? amount.toFixed(6) : "") : amount.trim();
  const m = MONEY.exec(text);
  if (!m) return null;
  const [, minus, whole = "0", frac = ""] = m;
  const digits = (frac + "000").slice(0, 3);
  let cents = Number(whole) * 100 + Number(digits.slice(0, 2));
  if (Number(digits[2]) >= 5) cents += 1;
  if (!Number.isSafeInteger(cents)) return null;
  return minus && cents !== 0 ? -cents : cents;
}

// ───────────────────────────────────────── zod building blocks ─────────────────────────────────────────

// Ids stay raw here and are converted (gid preferred) when records are built.
export const Id = z.union([z.number(), z.string()]);
export const Gid = z.string().nullish();
export const IsoTime = z
  .string()
  .refine((s) => parseShopifyTime(s) !== null, { message: "must be an ISO-8601 time with an offset" })
  .transform((s) => parseShopifyTime(s) as Date);
export const Money = z
  .union([z.string(), z.number()])
  .refine((v) => moneyToCents(v) !== null, { message: "must be a decimal amount" })
  .transform((v) => moneyToCents(v) as number);
export const Text = z.string().nullish();
export const Ref = z.object({ id: Id.nullish(), admin_graphql_api_id: Gid });

/** The id of an optional reference ({ id, admin_graphql_api_id }), null when it names nothing. */
export function refId(topic: string, path: string, ref: z.output<typeof Ref> | null | undefined): string | null {
  return ref && (ref.id != null || ref.admin_graphql_api_id) ? objectId(topic, path, ref) : null;
}

/** Trimmed text, null when empty. */
export function text(value: string | null | undefined): string | null {
  const s = value?.trim();
  return s ? s : null;
}

/** Trimmed, non-empty and distinct, in the given order. */
export function distinct(values: readonly (string | null | undefined)[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    const s = text(v);
    if (s && !out.includes(s)) out.push(s);
  }
  return out;
}
