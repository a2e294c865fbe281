// The "Carrier tracking" settings section: connect a source with its API key (encrypted with
// lib/crypto like the other credentials, never sent back), test the connection, the monthly budget
// and its counter, the registration delay, polling, and write-back to Shopify.
import { z } from "zod";
import type { Db } from "../db.server";
import { env } from "../env.server";
import { encryptSecret, maskSecret } from "../lib/crypto.server";
import { errorMessage } from "../lib/logger.server";
import { adapterFor, connectionFor, newPushToken, pushPath } from "./connection.server";
import { usedThisMonth } from "./registration.server";
import { DEFAULT_MONTHLY_BUDGET, DEFAULT_REGISTER_AFTER_HOURS } from "./rules/registration";
import { SOURCE_NAMES, SOURCE_PROVIDERS, type SourceProvider } from "./rules/types";

export interface CarrierTrackingView {
  connected: boolean;
  provider: SourceProvider | null;
  providerName: string | null;
  apiKey: string | null;
  hasWebhookSecret: boolean;
  pushUrl: string | null;
  writeBack: boolean;
  monthlyBudget: number;
  usedThisMonth: number;
  budgetSpent: boolean;
  registerAfterHours: number;
  pollMinutes: number | null;
  registrations: { active: number; stopped: number; failed: number };
}

export async function carrierTrackingView(
  db: Db,
  shopId: string,
  now: Date = new Date(),
): Promise<CarrierTrackingView> {
  const c = await connectionFor(db, shopId);
  const used = c ? await usedThisMonth(db, shopId, now) : 0;
  const counts = await db.sourceRegistration.groupBy({ by: ["status"], where: { shopId }, _count: { _all: true } });
  const count = (s: string) => counts.find((x) => x.status === s)?._count._all ?? 0;
  const provider = (c?.provider as SourceProvider | undefined) ?? null;
  return {
    connected: c !== null,
    provider,
    providerName: provider ? SOURCE_NAMES[provider] : null,
    apiKey: c ? maskSecret(c.apiKeyEnc) : null,
    hasWebhookSecret: Boolean(c?.webhookSecretEnc),
    pushUrl: c ? new URL(pushPath(c), env().SHOPIFY_APP_URL).toString() : null,
    writeBack: c?.writeBack ?? true,
    monthlyBudget: c?.monthlyBudget ?? DEFAULT_MONTHLY_BUDGET,
    usedThisMonth: used,
    budgetSpent: c !== null && used >= c.monthlyBudget,
    registerAfterHours: c?.registerAfterHours ?? DEFAULT_REGISTER_AFTER_HOURS,
    pollMinutes: c?.pollMinutes ?? null,
    registrations: { active: count("active") + count("pending"), stopped: count("stopped"), failed: count("failed") },
  };
}

const optionalInt = (min: number, max: number, label: string) =>
  z.preprocess(
    (v) => (v === "" || v === null || v === undefined ? null : Number(v)),
    z
      .number({ invalid_type_error: `${label} must be a number` })
      .int(`${label} must be a whole number`)
      .min(min, `${label} must be at least ${min}`)
      .max(max, `${label} must be at most ${max}`)
      .nullable(),
  );

export const connectSchema = z.object({
  provider: z.enum(SOURCE_PROVIDERS, { errorMap: () => ({ message: "Choose EasyPost or 17TRACK" }) }),
  apiKey: z.string().trim().max(500).optional().default(""),
  webhookSecret: z.string().trim().max(500).optional().default(""),
  writeBack: z.preprocess((v) => v === true || v === "on" || v === "true", z.boolean()),
  monthlyBudget: optionalInt(0, 1_000_000, "Monthly budget"),
  registerAfterHours: optionalInt(0, 240, "Hours to wait for Shopify"),
  pollMinutes: optionalInt(5, 1440, "Poll interval"),
  /** Tests and the demo's fake source only; the form never shows it. */
  baseUrl: z.string().url().optional(),
});
export type ConnectInput = z.input<typeof connectSchema>;

export type CarrierSaveResult = { ok: true } | { ok: false; fieldErrors: Record<string, string> };

/** Connects (or updates) the shop's source. A blank key keeps the stored one; a new provider needs one. */
export async function connectSource(db: Db, shopId: string, input: ConnectInput): Promise<CarrierSaveResult> {
  const parsed = connectSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const i of parsed.error.issues) fieldErrors[`carrier.${String(i.path[0] ?? "form")}`] ??= i.message;
    return { ok: false, fieldErrors };
  }
  const v = parsed.data;
  const existing = await connectionFor(db, shopId);
  const sameProvider = existing?.provider === v.provider;
  if (!v.apiKey && !sameProvider) return { ok: false, fieldErrors: { "carrier.apiKey": "Enter the API key" } };
  const data = {
    provider: v.provider,
    ...(v.apiKey ? { apiKeyEnc: encryptSecret(v.apiKey) } : {}),
    ...(v.webhookSecret
      ? { webhookSecretEnc: encryptSecret(v.webhookSecret) }
      : sameProvider
        ? {}
        : { webhookSecretEnc: null }),
    writeBack: v.writeBack,
    monthlyBudget: v.monthlyBudget ?? DEFAULT_MONTHLY_BUDGET,
    registerAfterHours: v.registerAfterHours ?? DEFAULT_REGISTER_AFTER_HOURS,
    pollMinutes: v.pollMinutes,
    ...(v.baseUrl !== undefined ? { baseUrl: v.baseUrl } : {}),
  };
  if (existing) await db.trackingSource.update({ where: { shopId }, data });
  else
    await db.trackingSource.create({
      data: { ...data, shopId, apiKeyEnc: data.apiKeyEnc!, pushToken: newPushToken() },
    });
  return { ok: true };
}

export async function testSourceConnection(db: Db, shopId: string): Promise<{ ok: boolean; message: string }> {
  const c = await connectionFor(db, shopId);
  if (!c) return { ok: false, message: "No tracking source is connected" };
  try {
    await adapterFor(c).testConnection();
    return { ok: true, message: `${SOURCE_NAMES[c.provider as SourceProvider]} answered: the key works` };
  } catch (error) {
    return { ok: false, message: `${SOURCE_NAMES[c.provider as SourceProvider]} refused: ${errorMessage(error)}` };
  }
}

/** Disconnecting keeps the registrations as history; nothing is registered or written back after it. */
export async function disconnectSource(db: Db, shopId: string): Promise<void> {
  await db.trackingSource.deleteMany({ where: { shopId } });
}

export type CarrierTrackingActionResult = {
  intent: "carrier_save" | "carrier_test" | "carrier_disconnect";
  ok: boolean;
  fieldErrors: Record<string, string>;
  message?: string;
};

/** The section's forms (intents carrier_save, carrier_test, carrier_disconnect). */
export async function carrierTrackingAction(
  db: Db,
  shopId: string,
  form: FormData,
): Promise<CarrierTrackingActionResult> {
  const intent = form.get("intent");
  if (intent === "carrier_test") {
    const r = await testSourceConnection(db, shopId);
    return { intent, ok: r.ok, fieldErrors: {}, message: r.message };
  }
  if (intent === "carrier_disconnect") {
    await disconnectSource(db, shopId);
    return { intent, ok: true, fieldErrors: {}, message: "Disconnected" };
  }
  const f = (k: string) => {
    const v = form.get(k);
    return typeof v === "string" ? v : undefined;
  };
  const r = await connectSource(db, shopId, {
    provider: f("carrierProvider") as SourceProvider,
    apiKey: f("carrierApiKey"),
    webhookSecret: f("carrierWebhookSecret"),
    writeBack: f("carrierWriteBack") === "on" || f("carrierWriteBack") === "true",
    monthlyBudget: f("carrierMonthlyBudget"),
    registerAfterHours: f("carrierRegisterAfterHours"),
    pollMinutes: f("carrierPollMinutes"),
  } as ConnectInput);
  return {
    intent: "carrier_save",
    ok: r.ok,
    fieldErrors: r.ok ? {} : r.fieldErrors,
    message: r.ok ? "Saved" : undefined,
  };
}
