// The settings page's "one email for parcels that arrive together" section: read and save
// Shop.combineParcelEmailsMinutes (notifications/combine.server.ts uses it). Its own intent on the page.
import { z } from "zod";
import type { Db } from "../db.server";
import { MAX_COMBINE_MINUTES } from "../notifications/combine.server";

export const PARCEL_EMAILS_INTENT = "parcel_emails";

export type ParcelEmailsResult =
  | { intent: typeof PARCEL_EMAILS_INTENT; ok: true; minutes: number; fieldErrors: Record<string, never> }
  | { intent: typeof PARCEL_EMAILS_INTENT; ok: false; fieldErrors: { combineParcelEmailsMinutes: string } };

const schema = z.object({
  enabled: z.enum(["true", "false"]),
  minutes: z.coerce
    .number({ invalid_type_error: "Enter a number of minutes" })
    .int("Enter whole minutes")
    .min(1, "Wait at least 1 minute, or switch combining off")
    .max(
      MAX_COMBINE_MINUTES,
      `Wait at most ${MAX_COMBINE_MINUTES} minutes: longer would hold the first email too long`,
    ),
});

export async function parcelEmailsSetting(db: Db, shopId: string): Promise<{ minutes: number }> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { combineParcelEmailsMinutes: true } });
  return { minutes: shop.combineParcelEmailsMinutes };
}

export async function saveParcelEmails(db: Db, shopId: string, form: FormData): Promise<ParcelEmailsResult> {
  const enabled = form.get("enabled") === "true";
  const parsed = schema.safeParse({ enabled: String(enabled), minutes: enabled ? form.get("minutes") : "1" });
  if (!parsed.success) {
    return {
      intent: PARCEL_EMAILS_INTENT,
      ok: false,
      fieldErrors: { combineParcelEmailsMinutes: parsed.error.issues[0]?.message ?? "Enter a number of minutes" },
    };
  }
  const minutes = enabled ? parsed.data.minutes : 0;
  await db.shop.update({ where: { id: shopId }, data: { combineParcelEmailsMinutes: minutes } });
  return { intent: PARCEL_EMAILS_INTENT, ok: true, minutes, fieldErrors: {} };
}
