// The review queue (hybrid mode): the shop's drafts, oldest first in cursor pages, one opened for
// editing, and the approve / discard / approve-with-a-note actions (admin/notifications.server.ts checks
// every id against the shop and sends).
import { z } from "zod";
import { PERSONAL_NOTE_MAX_LENGTH, PERSONAL_NOTE_TOO_LONG } from "../notifications/rules/policy";
import appDb, { type Db } from "../db.server";
import { approveDrafts, discardDrafts } from "./notifications.server";
import type { AdminShop, ShopContext } from "./shop.server";

export const PAGE_SIZE = 25;

const DRAFT_SELECT = {
  id: true,
  channel: true,
  milestone: true,
  recipient: true,
  subject: true,
  bodyText: true,
  personalNote: true,
  createdAt: true,
  shipmentId: true,
  order: { select: { name: true } },
} as const;

/** The queue page: ?cursor pages it, ?edit=<id> opens one draft. */
export async function reviewQueue(shop: AdminShop, params: URLSearchParams, db: Db = appDb) {
  const cursor = params.get("cursor");
  const editId = params.get("edit");
  const [mode, rows, total, editing] = await Promise.all([
    db.shop.findUniqueOrThrow({
      where: { id: shop.id },
      select: { notificationMode: true, hybridAutoSendHours: true },
    }),
    // Oldest first: the queue is worked from the front. [shopId, status, createdAt] index.
    db.notification.findMany({
      where: { shopId: shop.id, status: "draft" },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: PAGE_SIZE + 1,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      select: DRAFT_SELECT,
    }),
    db.notification.count({ where: { shopId: shop.id, status: "draft" } }),
    editId
      ? db.notification.findFirst({ where: { id: editId, shopId: shop.id, status: "draft" }, select: DRAFT_SELECT })
      : null,
  ]);
  const view = (n: (typeof rows)[number]) => ({
    id: n.id,
    channel: n.channel,
    milestone: n.milestone,
    recipient: n.recipient,
    subject: n.subject,
    bodyText: n.bodyText,
    personalNote: n.personalNote,
    createdAt: n.createdAt.toISOString(),
    shipmentId: n.shipmentId,
    orderName: n.order.name,
  });
  return {
    drafts: rows.slice(0, PAGE_SIZE).map(view),
    nextCursor: rows.length > PAGE_SIZE ? rows[PAGE_SIZE - 1]!.id : null,
    editing: editing ? view(editing) : null,
    mode: mode.notificationMode,
    autoSendHours: mode.hybridAutoSendHours,
    total,
    timeZone: shop.timezone,
  };
}

const idList = z
  .array(z.string().min(1).max(64))
  .min(1, "Select at least one draft")
  .max(250, "Select at most 250 drafts");
const reviewSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("approve"), ids: idList }),
  z.object({ intent: z.literal("discard"), ids: idList }),
  z.object({
    intent: z.literal("approve_edited"),
    ids: idList.max(1),
    personalNote: z.string().trim().max(PERSONAL_NOTE_MAX_LENGTH, PERSONAL_NOTE_TOO_LONG).optional(),
  }),
]);

export interface ReviewResult {
  ok: boolean;
  fieldErrors: Record<string, string>;
  done: number;
  intent: string;
}

/** The queue's forms: approve or discard the selected drafts, or approve one with a personal note. */
export async function reviewDrafts(
  ctx: Pick<ShopContext, "shop" | "staff">,
  form: FormData,
  db: Db = appDb,
): Promise<ReviewResult> {
  const text = (k: string) => (typeof form.get(k) === "string" ? (form.get(k) as string) : undefined);
  const parsed = reviewSchema.safeParse({
    intent: form.get("intent"),
    ids: form.getAll("ids"),
    personalNote: text("personalNote"),
  });
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? "form")] ??= issue.message;
    return { ok: false, fieldErrors, done: 0, intent: String(form.get("intent") ?? "") };
  }
  const v = parsed.data;
  const outcome =
    v.intent === "discard"
      ? await discardDrafts(db, ctx.shop.id, v.ids, ctx.staff)
      : await approveDrafts(
          db,
          ctx.shop.id,
          v.ids,
          ctx.staff,
          v.intent === "approve_edited" ? v.personalNote || null : undefined,
        );
  return {
    ok: outcome.failed.length === 0,
    fieldErrors: outcome.failed.length
      ? { form: `${outcome.failed.length} could not be updated: ${outcome.failed[0]!.error}` }
      : {},
    done: outcome.ok,
    intent: v.intent,
  };
}
