// The settings page's Integrations section (app/components/settings/IntegrationsSection.tsx): Shopify Flow
// triggers on or off, the Klaviyo private key (write-only, encrypted with lib/crypto like the other
// provider credentials), who sends each milestone's email, each destination's status (connected, last
// event sent, last error) and a test button. Its own form and intents, so the page's main form is untouched.
import { z } from "zod";
import appDb, { type Db } from "../db.server";
import { integrationStatus, klaviyoConnected, recordTest, type DestinationStatus } from "../integrations/outbox.server";
import {
  type EmailSender,
  emailSenders,
  INTEGRATION_MILESTONES,
  type IntegrationMilestone,
  MILESTONE_INFO,
} from "../integrations/rules/milestones";
import { encryptSecret, maskSecret } from "../lib/crypto.server";
import type { AdminShop } from "./shop.server";

export const INTEGRATION_INTENTS = ["integrations_save", "integrations_test"] as const;

export interface IntegrationsView {
  flowTriggersEnabled: boolean;
  /** The saved key, masked ("••••abcd"), or null. */
  klaviyoKey: string | null;
  senders: Record<IntegrationMilestone, EmailSender>;
  milestones: { key: IntegrationMilestone; label: string; flowTrigger: string; klaviyoMetric: string }[];
  status: DestinationStatus[];
}

export type IntegrationsActionResult = {
  intent: (typeof INTEGRATION_INTENTS)[number];
  ok: boolean;
  fieldErrors: Record<string, string | undefined>;
  message?: string;
};

export function isIntegrationsIntent(intent: unknown): boolean {
  return typeof intent === "string" && (INTEGRATION_INTENTS as readonly string[]).includes(intent);
}

export async function integrationsView(shop: AdminShop, db: Db = appDb): Promise<IntegrationsView | null> {
  const s = await db.shop.findUnique({ where: { domain: shop.domain } });
  if (!s) return null;
  return {
    flowTriggersEnabled: s.flowTriggersEnabled,
    klaviyoKey: maskSecret(s.klaviyoPrivateKeyEnc),
    senders: emailSenders(s.klaviyoMilestones, klaviyoConnected(s)),
    milestones: INTEGRATION_MILESTONES.map((m) => ({
      key: m,
      label: MILESTONE_INFO[m].label,
      flowTrigger: MILESTONE_INFO[m].flowName,
      klaviyoMetric: MILESTONE_INFO[m].klaviyoMetric,
    })),
    status: await integrationStatus(db, s),
  };
}

// Klaviyo private API keys are "pk_" and hex/alphanumerics; public site ids (6 characters) are refused
// by name, since they are the usual mistake and cannot send events.
const KLAVIYO_KEY = /^pk_[A-Za-z0-9]{20,100}$/;
const saveSchema = z.object({
  flowTriggersEnabled: z.boolean(),
  klaviyoPrivateKey: z
    .string()
    .trim()
    .refine((v) => v === "" || KLAVIYO_KEY.test(v), "Enter a Klaviyo private API key (it starts with pk_)"),
  clearKlaviyoKey: z.boolean(),
  senders: z.record(z.enum(["waypoint", "klaviyo"])),
});

function fromForm(form: FormData) {
  const senders: Record<string, string> = {};
  for (const m of INTEGRATION_MILESTONES) {
    const v = form.get(`sender.${m}`);
    if (typeof v === "string") senders[m] = v;
  }
  return {
    flowTriggersEnabled: form.get("flowTriggersEnabled") === "on",
    klaviyoPrivateKey: String(form.get("klaviyoPrivateKey") ?? ""),
    clearKlaviyoKey: form.get("clearKlaviyoKey") === "on",
    senders,
  };
}

export async function integrationsAction(
  shop: AdminShop,
  form: FormData,
  db: Db = appDb,
  now: Date = new Date(),
): Promise<IntegrationsActionResult> {
  const intent = form.get("intent");
  const row = await db.shop.findUnique({ where: { domain: shop.domain } });
  if (!row) return { intent: "integrations_save", ok: false, fieldErrors: { form: "This store is not installed" } };
  if (intent === "integrations_test") {
    const destination = form.get("destination");
    if (destination !== "flow" && destination !== "klaviyo")
      return { intent, ok: false, fieldErrors: { destination: "Choose Flow or Klaviyo" } };
    if (destination === "flow" ? !row.flowTriggersEnabled : !klaviyoConnected(row))
      return {
        intent,
        ok: false,
        fieldErrors: {
          destination: destination === "flow" ? "Turn Flow triggers on first" : "Save a Klaviyo key first",
        },
      };
    if (destination === "klaviyo" && !row.contactEmail)
      return {
        intent,
        ok: false,
        fieldErrors: { destination: "The store has no contact email to receive the test event" },
      };
    const id = await recordTest(db, row, destination, now);
    if (!id) return { intent, ok: false, fieldErrors: { destination: "There is no order yet to send as sample data" } };
    return {
      intent,
      ok: true,
      fieldErrors: {},
      message:
        destination === "flow"
          ? "Test sent: the “Shipment out for delivery” trigger fires with your newest order and Milestone “test” (workflows that start from it run: add a condition on Milestone to skip tests). Its result shows here in a moment."
          : "Test sent: a “Waypoint Out For Delivery” event for your store's contact email. Its result shows here in a moment.",
    };
  }
  const parsed = saveSchema.safeParse(fromForm(form));
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const i of parsed.error.issues) fieldErrors[i.path.join(".")] ??= i.message;
    return { intent: "integrations_save", ok: false, fieldErrors };
  }
  const v = parsed.data;
  const keyEnc = v.clearKlaviyoKey ? null : v.klaviyoPrivateKey ? encryptSecret(v.klaviyoPrivateKey) : undefined;
  const connected = keyEnc === undefined ? klaviyoConnected(row) : keyEnc !== null;
  const wantsKlaviyo = Object.values(v.senders).includes("klaviyo");
  if (wantsKlaviyo && !connected)
    return {
      intent: "integrations_save",
      ok: false,
      fieldErrors: { klaviyoPrivateKey: "Klaviyo can send a milestone only once its key is saved" },
    };
  const senders: Partial<Record<IntegrationMilestone, EmailSender>> = {};
  for (const m of INTEGRATION_MILESTONES) senders[m] = v.senders[m] === "klaviyo" ? "klaviyo" : "waypoint";
  await db.shop.update({
    where: { id: row.id },
    data: {
      flowTriggersEnabled: v.flowTriggersEnabled,
      klaviyoMilestones: senders,
      ...(keyEnc !== undefined ? { klaviyoPrivateKeyEnc: keyEnc } : {}),
    },
  });
  return { intent: "integrations_save", ok: true, fieldErrors: {}, message: "Integrations saved" };
}
