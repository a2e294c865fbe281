// Settings of the delivery promise (issue 19): how confident the shown window is, the ship-from
// country (its public holidays and the domestic / cross-border defaults) and the merchant's own
// closure days. Read by app/intelligence/windows.server.ts for every prediction.
import { z } from "zod";
import appDb, { type Db } from "../db.server";
import { CONFIDENCE_LEVELS } from "../intelligence/rules/window-model";
import { closureDaysOf, confidenceOf } from "../intelligence/windows.server";
import type { AdminShop } from "./shop.server";

export const DELIVERY_PROMISE_INTENT = "delivery_promise";
/** Enough for a year of closures; more is a mistake (a pasted calendar). */
const MAX_CLOSURE_DAYS = 60;

export interface DeliveryPromiseSettings {
  confidence: string;
  originCountry: string;
  /** One "YYYY-MM-DD" a line. */
  closureDays: string;
}

export type DeliveryPromiseResult = {
  intent: typeof DELIVERY_PROMISE_INTENT;
  ok: boolean;
  fieldErrors: Partial<Record<keyof DeliveryPromiseSettings, string>>;
};

export async function deliveryPromiseSettings(shop: AdminShop, db: Db = appDb): Promise<DeliveryPromiseSettings> {
  const s = await db.shop.findUniqueOrThrow({
    where: { id: shop.id },
    select: { deliveryConfidence: true, originCountry: true, closureDays: true },
  });
  return {
    confidence: String(confidenceOf(s.deliveryConfidence)),
    originCountry: s.originCountry ?? "",
    closureDays: closureDaysOf(s.closureDays).join("\n"),
  };
}

const isDay = (d: string) => {
  const t = Date.parse(`${d}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(d) && Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === d;
};

const schema = z.object({
  confidence: z
    .string()
    .refine((v) => CONFIDENCE_LEVELS.some((c) => String(c) === v), "Choose one of the offered levels"),
  originCountry: z
    .string()
    .trim()
    .transform((v) => v.toUpperCase())
    .refine((v) => v === "" || /^[A-Z]{2}$/.test(v), "Use a two-letter country code such as US"),
  closureDays: z
    .string()
    .transform((v) => [...new Set(v.split(/[\s,]+/).filter(Boolean))].sort())
    .refine((days) => days.every(isDay), "Use one date a line, as YYYY-MM-DD")
    .refine((days) => days.length <= MAX_CLOSURE_DAYS, `At most ${MAX_CLOSURE_DAYS} days`),
});

export async function saveDeliveryPromise(
  shop: AdminShop,
  form: FormData,
  db: Db = appDb,
): Promise<DeliveryPromiseResult> {
  const parsed = schema.safeParse({
    confidence: String(form.get("confidence") ?? ""),
    originCountry: String(form.get("originCountry") ?? ""),
    closureDays: String(form.get("closureDays") ?? ""),
  });
  if (!parsed.success) {
    const fieldErrors: DeliveryPromiseResult["fieldErrors"] = {};
    for (const i of parsed.error.issues) fieldErrors[i.path[0] as keyof DeliveryPromiseSettings] ??= i.message;
    return { intent: DELIVERY_PROMISE_INTENT, ok: false, fieldErrors };
  }
  await db.shop.update({
    where: { id: shop.id },
    data: {
      deliveryConfidence: Number(parsed.data.confidence),
      originCountry: parsed.data.originCountry || null,
      closureDays: parsed.data.closureDays,
    },
  });
  return { intent: DELIVERY_PROMISE_INTENT, ok: true, fieldErrors: {} };
}
