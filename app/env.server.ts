// The environment, validated once at start-up. A missing or malformed variable prints its name,
// what it is for and how to set it, and the process exits: no stack trace. The only module that reads
// process.env: everything else asks env(). It imports nothing of the app but db-target, and never logs:
// the logger imports it.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_DATABASE_URL } from "./lib/db-target.mjs";

// The production server and the worker do not read .env themselves; `shopify app dev` injects its own values,
// which win because loadEnvFile never overwrites a variable that is already set. Loaded by the first env()
// call rather than on import, so scripts that import db.server only for createDb() keep their own environment.
let envFileLoaded = false;
function loadEnvFile(): void {
  if (envFileLoaded) return;
  envFileLoaded = true;
  const envFile = path.resolve(process.cwd(), ".env");
  if (process.env.NODE_ENV !== "test" && fs.existsSync(envFile)) process.loadEnvFile(envFile);
}

const key32 = z
  .string()
  .refine((v) => Buffer.from(v, "base64").length === 32, "must be 32 random bytes, base64-encoded");

export const ENV_DOCS = {
  SHOPIFY_API_KEY: [
    "The app's client id from the Partner Dashboard",
    "`shopify app env pull`, or set by `shopify app dev`",
  ],
  SHOPIFY_API_SECRET: [
    "The app's client secret; signs webhooks and app-proxy requests",
    "`shopify app env pull`, or set by `shopify app dev`",
  ],
  SHOPIFY_APP_URL: ["Public https URL of this app", "set by `shopify app dev`; in production your app's URL"],
  SCOPES: ["Access scopes (comma-separated); defaults to those in shopify.app.toml", "usually left unset"],
  SHOP_CUSTOM_DOMAIN: [
    "Optional custom shop domain allowed besides *.myshopify.com",
    "leave unset unless Shopify support asks",
  ],
  DATABASE_URL: [
    "Database: file:./prisma/dev.sqlite (default) or postgres://user:pass@host/db",
    "export DATABASE_URL=...",
  ],
  ENCRYPTION_KEY: [
    "Key that encrypts provider credentials at rest (AES-256-GCM)",
    "`openssl rand -base64 32`; the preflight writes one to .env for local use",
  ],
  TRACKING_LINK_SECRET: [
    "Signs the expiring tracking links in emails and SMS",
    "`openssl rand -base64 32`; the preflight writes one to .env for local use",
  ],
  SENDGRID_API_KEY: [
    "The app's own SendGrid key, used when a shop has none (optional)",
    "SendGrid > Settings > API Keys",
  ],
  SENDGRID_FROM: [
    "Default sender address for the app's SendGrid account",
    "a verified sender, e.g. tracking@example.com",
  ],
  SENDGRID_WEBHOOK_VERIFICATION_KEY: [
    "Verification key of the app's SendGrid signed Event Webhook (delivery reports for email sent through SENDGRID_API_KEY; unsigned reports are refused)",
    "SendGrid > Settings > Mail Settings > Event Webhook > Signed Event Webhook: copy the verification key (base64)",
  ],
  SENDGRID_BASE_URL: ["Override of SendGrid's API base URL (tests, proxies)", "leave unset in production"],
  TWILIO_ACCOUNT_SID: ["The app's own Twilio account SID (optional)", "Twilio console"],
  TWILIO_AUTH_TOKEN: ["The app's own Twilio auth token; also validates inbound STOP webhooks", "Twilio console"],
  TWILIO_FROM: ["Default sending number or messaging service SID", "Twilio console, E.164 format"],
  TWILIO_BASE_URL: ["Override of Twilio's API base URL (tests, proxies)", "leave unset in production"],
  WORKER_BATCH: ["Jobs a worker (the web process's thread or a standalone one) claims at once", "20 (default)"],
  WORKER: [
    "Where jobs run: inline (default: a worker thread of the web process, so webhooks are acknowledged while it works; restarted if it crashes), inline-loop (on the web process's own event loop, as before 008: for debugging only) or off (run `npm run worker` separately)",
    "WORKER=off",
  ],
  LOG_LEVEL: ["pino log level", "info (default), debug, warn, error"],
  RECEIPT_RETENTION_DAYS: ["Days processed webhook receipts are kept", "14 (default)"],
  JOB_RETENTION_DAYS: ["Days finished jobs are kept", "7 (default)"],
  PROXY_TRUSTED_HOPS: [
    "How many proxies of your own (load balancers) sit between Shopify's app proxy and the app, for per-shopper rate limits",
    "0 (default) when Shopify connects to the app directly",
  ],
  WAYPOINT_STOREFRONT_ORIGIN: [
    "Where storefront recommendation requests and the links in messages go instead of https://<the shop's domain> (the demo's local storefront)",
    "leave unset in production",
  ],
  SQL_PROFILE: [
    "1: the worker's driver statements are timed and the totals logged at exit (profiling, BENCHMARKS.md)",
    "leave unset",
  ],
  SHOPIFY_ADMIN_API_ORIGIN: [
    "Where Admin GraphQL requests go instead of https://<shop> (the local simulator in scripts/simulator/admin-api: tests, the demo, the bench)",
    "leave unset in production",
  ],
  WAYPOINT_EXTENSION_ROOT: [
    "Folder of the theme extension the proxy page renders",
    "leave unset (extensions/tracking-block)",
  ],
  WEBHOOK_MAX_PENDING: [
    "Webhooks one process holds for its database commit before it answers 503 with Retry-After (Shopify retries)",
    "1000 (default)",
  ],
  STOREFRONT_MAX_IN_FLIGHT: [
    "Storefront lookups and tracking pages one process works on at once before it answers 429 with Retry-After",
    "100 (default)",
  ],
  MAX_BUFFERED_BODY_MB: [
    "Megabytes of request bodies one process buffers at once before they are authenticated (webhooks, Twilio, SendGrid, app proxy); past it, 503",
    "64 (default); at least 16",
  ],
} as const;

const optionalUrl = z.string().url().optional();

const variables = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  SHOPIFY_API_KEY: z.string().min(1),
  SHOPIFY_API_SECRET: z.string().min(1),
  SHOPIFY_APP_URL: z.string().url(),
  SCOPES: z.string().optional(),
  SHOP_CUSTOM_DOMAIN: z.string().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, "must start with file: or postgres://")
    .default(DEFAULT_DATABASE_URL),
  ENCRYPTION_KEY: key32,
  TRACKING_LINK_SECRET: z.string().min(16, "must be at least 16 characters"),
  SENDGRID_API_KEY: z.string().optional(),
  SENDGRID_FROM: z.string().email().optional(),
  SENDGRID_WEBHOOK_VERIFICATION_KEY: z.string().optional(),
  SENDGRID_BASE_URL: optionalUrl,
  TWILIO_ACCOUNT_SID: z.string().optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  TWILIO_FROM: z.string().optional(),
  TWILIO_BASE_URL: optionalUrl,
  WORKER: z.enum(["inline", "inline-loop", "off"]).default("inline"),
  WORKER_BATCH: z.coerce.number().int().min(1).max(500).default(20),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(), // default below
  RECEIPT_RETENTION_DAYS: z.coerce.number().int().positive().default(14),
  JOB_RETENTION_DAYS: z.coerce.number().int().positive().default(7),
  PROXY_TRUSTED_HOPS: z.coerce.number().int().min(0).default(0),
  WAYPOINT_STOREFRONT_ORIGIN: optionalUrl,
  SHOPIFY_ADMIN_API_ORIGIN: optionalUrl,
  SQL_PROFILE: z.enum(["0", "1"]).optional(),
  WAYPOINT_EXTENSION_ROOT: z.string().default("extensions/tracking-block"),
  WEBHOOK_MAX_PENDING: z.coerce.number().int().positive().default(1000),
  STOREFRONT_MAX_IN_FLIGHT: z.coerce.number().int().positive().default(100),
  // At least the largest body cap (10 MB webhooks), so one legitimate body always fits.
  MAX_BUFFERED_BODY_MB: z.coerce.number().int().min(16).default(64),
});

// Tests are silent unless they ask for logs; elsewhere the default level is info.
const schema = variables.transform((v) => ({
  ...v,
  LOG_LEVEL: v.LOG_LEVEL ?? (v.NODE_ENV === "test" ? "silent" : "info"),
}));
const NAMES = Object.keys(variables.shape);

export type Env = z.infer<typeof schema>;

/** Parses an environment; throws EnvError listing every problem in plain words. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0]) as keyof typeof ENV_DOCS;
    const [what, how] = ENV_DOCS[name] ?? ["", ""];
    const problem = issue.code === "invalid_type" && issue.received === "undefined" ? "is missing" : issue.message;
    return `  ${name} ${problem}. ${what}. Set it: ${how}.`;
  });
  throw new EnvError(`Waypoint cannot start: the environment is incomplete.\n${lines.join("\n")}`);
}

export class EnvError extends Error {
  override name = "EnvError";
}

/** The raw values env() parsed, to notice that one changed. */
function fingerprint(): string {
  return NAMES.map((name) => process.env[name] ?? "").join("\u0000");
}

// Parsed once. Under NODE_ENV=test it is parsed again whenever a variable changed: test files set some
// after their imports ran (a fresh DATABASE_URL, the app's own Twilio account, a fake storefront origin),
// and modules such as the logger call env() as they load.
let cached: { env: Env; fingerprint: string | null } | undefined;
export function env(): Env {
  if (cached && (cached.fingerprint === null || cached.fingerprint === fingerprint())) return cached.env;
  loadEnvFile();
  try {
    const parsed = parseEnv(process.env);
    cached = { env: parsed, fingerprint: parsed.NODE_ENV === "test" ? fingerprint() : null };
  } catch (error) {
    if (error instanceof EnvError && process.env.NODE_ENV !== "test") {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  return cached.env;
}
