// The settings page's message copy editor: the shop's copy (or the default) of every milestone in every
// language, a live preview of unsaved copy with the page's unsaved branding, saving (only copy that passes
// the template checks) and reset to default. Answers the page's copy_* intents.
import { z } from "zod";
import appDb, { type Db } from "../db.server";
import { LOCALES, type Locale, resolveLocale } from "../notifications/copy";
import {
  allCopy,
  type CopyEntry,
  resetCustomCopy,
  sampleVariables,
  saveCustomCopy,
} from "../notifications/custom-copy.server";
import { MILESTONES, type Milestone } from "../notifications/rules/policy";
import { checkCopy, COPY_FIELDS, type CopyField } from "../notifications/templates/editable-copy";
import { isHexColor, plainHttpsUrl } from "../lib/html";
import { previewTemplate, type TemplatePreview } from "./notifications.server";
import type { AdminShop } from "./shop.server";

export const COPY_INTENTS = ["copy_preview", "copy_save", "copy_reset"] as const;
export type CopyIntent = (typeof COPY_INTENTS)[number];

export interface MessageCopyView {
  copy: Record<Milestone, Record<Locale, CopyEntry>>;
  /** The language the editor opens in: the store's. */
  locale: Locale;
}

export async function messageCopyView(shop: AdminShop, db: Db = appDb): Promise<MessageCopyView> {
  return { copy: await allCopy(db, shop.id), locale: resolveLocale(shop.locale) };
}

const copySchema = z.object({
  milestone: z.enum(MILESTONES, { errorMap: () => ({ message: "Choose a milestone" }) }),
  locale: z.enum(LOCALES, { errorMap: () => ({ message: "Choose a language" }) }),
  subject: z.string().default(""),
  heading: z.string().default(""),
  body: z.string().default(""),
  // Unsaved branding, as the page's own preview takes it: a value that breaks the rules is left out.
  brandLogoUrl: z
    .string()
    .trim()
    .refine((v) => v === "" || plainHttpsUrl(v) !== null)
    .optional()
    .catch(undefined),
  brandPrimaryColor: z.string().trim().refine(isHexColor).optional().catch(undefined),
  brandAccentColor: z.string().trim().refine(isHexColor).optional().catch(undefined),
});

export type CopyActionResult = {
  intent: CopyIntent;
  ok: boolean;
  milestone?: Milestone;
  locale?: Locale;
  fieldErrors: Partial<Record<CopyField | "form", string>>;
  /** After saving or resetting: what is stored now. */
  entry?: CopyEntry;
  preview?: TemplatePreview | null;
};

export function isCopyIntent(intent: unknown): intent is CopyIntent {
  return typeof intent === "string" && (COPY_INTENTS as readonly string[]).includes(intent);
}

export async function messageCopyAction(
  shop: AdminShop,
  form: FormData,
  staff: string,
  db: Db = appDb,
): Promise<CopyActionResult> {
  const intent = form.get("intent") as CopyIntent;
  const parsed = copySchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    return { intent, ok: false, fieldErrors: { form: parsed.error.issues[0]?.message ?? "Invalid request" } };
  }
  const { milestone, locale, brandLogoUrl, brandPrimaryColor, brandAccentColor } = parsed.data;
  const copy = { subject: parsed.data.subject, heading: parsed.data.heading, body: parsed.data.body };
  const where = { milestone, locale };
  if (intent === "copy_reset") {
    await resetCustomCopy(db, shop.id, milestone, locale);
    const entry = (await allCopy(db, shop.id))[milestone][locale];
    return { intent, ok: true, ...where, fieldErrors: {}, entry };
  }
  if (intent === "copy_save") {
    const r = await saveCustomCopy(db, shop.id, milestone, locale, copy, staff);
    if (!r.ok) return { intent, ok: false, ...where, fieldErrors: r.fieldErrors };
    const entry = (await allCopy(db, shop.id))[milestone][locale];
    return { intent, ok: true, ...where, fieldErrors: {}, entry };
  }
  // copy_preview: a template with a problem shows the problem instead of a preview.
  const fieldErrors = checkCopy(copy, sampleVariables(milestone));
  if (Object.keys(fieldErrors).length > 0) return { intent, ok: false, ...where, fieldErrors, preview: null };
  const preview = await previewTemplate(
    db,
    shop.id,
    milestone,
    locale,
    {
      ...(brandLogoUrl !== undefined ? { brandLogoUrl: brandLogoUrl || null } : {}),
      ...(brandPrimaryColor ? { brandPrimaryColor } : {}),
      ...(brandAccentColor ? { brandAccentColor } : {}),
    },
    copy,
  );
  return { intent, ok: true, ...where, fieldErrors: {}, preview };
}

export { COPY_FIELDS };
