// The shop's own email copy (MessageCopy rows): read for every message of a milestone, written only
// after editable-copy's checks pass, deleted to reset a milestone's language to the default copy.
import type { Db } from "../db.server";
import { LOCALES, type Locale, messagesFor } from "./copy";
import { MILESTONES, type Milestone } from "./rules/policy";
import { previewContext } from "./templates";
import {
  checkCopy,
  type CopyField,
  type CopyVariables,
  copyVariables,
  defaultCopy,
  type EditableCopy,
} from "./templates/editable-copy";

/** The shop's copy of one milestone, by language (what MessageContext.customCopy holds). */
export async function customCopyFor(
  db: Db,
  shopId: string,
  milestone: Milestone,
): Promise<Partial<Record<Locale, EditableCopy>>> {
  const rows = await db.messageCopy.findMany({ where: { shopId, milestone } });
  const out: Partial<Record<Locale, EditableCopy>> = {};
  for (const r of rows)
    if ((LOCALES as readonly string[]).includes(r.locale))
      out[r.locale as Locale] = { subject: r.subject, heading: r.heading, body: r.body };
  return out;
}

export interface CopyEntry extends EditableCopy {
  /** Whether the shop changed it (false: the default copy, shown as Liquid). */
  custom: boolean;
  updatedAt: string | null;
}

/** Every milestone in every language, the shop's copy or the default, for the editor. */
export async function allCopy(db: Db, shopId: string): Promise<Record<Milestone, Record<Locale, CopyEntry>>> {
  const rows = await db.messageCopy.findMany({ where: { shopId } });
  const byKey = new Map(rows.map((r) => [`${r.milestone}/${r.locale}`, r]));
  const out = {} as Record<Milestone, Record<Locale, CopyEntry>>;
  for (const m of MILESTONES) {
    out[m] = {} as Record<Locale, CopyEntry>;
    for (const l of LOCALES) {
      const r = byKey.get(`${m}/${l}`);
      out[m][l] = r
        ? { subject: r.subject, heading: r.heading, body: r.body, custom: true, updatedAt: r.updatedAt.toISOString() }
        : { ...defaultCopy(messagesFor(l), m), custom: false, updatedAt: null };
    }
  }
  return out;
}

/** Sample values for checking a template: every variable set (the check also renders with the optional ones unset). */
export function sampleVariables(milestone: Milestone, now: Date = new Date()): CopyVariables {
  const ctx = previewContext({ domain: "example.myshopify.com", name: "Example" }, milestone, now);
  const params = { shop: ctx.shopName, order: ctx.orderName, firstName: "Alex", carrier: "UPS" };
  return {
    ...copyVariables(params, ctx.trackingUrl),
    window: "Mon, Dec 7 – Wed, Dec 9",
    new_estimate: "Thu, Dec 10",
    location: "Louisville, KY, US",
    refund_amount: "$49.99",
  };
}

export type SaveCopyResult = { ok: true } | { ok: false; fieldErrors: Partial<Record<CopyField, string>> };

/** Checks and stores the shop's copy of one milestone in one language; a template that fails is never stored. */
export async function saveCustomCopy(
  db: Db,
  shopId: string,
  milestone: Milestone,
  locale: Locale,
  copy: EditableCopy,
  by: string,
): Promise<SaveCopyResult> {
  const fieldErrors = checkCopy(copy, sampleVariables(milestone));
  if (Object.keys(fieldErrors).length > 0) return { ok: false, fieldErrors };
  await db.messageCopy.upsert({
    where: { shopId_milestone_locale: { shopId, milestone, locale } },
    create: { shopId, milestone, locale, ...copy, updatedBy: by },
    update: { ...copy, updatedBy: by },
  });
  return { ok: true };
}

/** Back to the default copy: the row goes, so later changes to the default reach this shop too. */
export async function resetCustomCopy(db: Db, shopId: string, milestone: Milestone, locale: Locale): Promise<void> {
  await db.messageCopy.deleteMany({ where: { shopId, milestone, locale } });
}
