// The admin's import and sync page (routes/app.sync.tsx): the import's progress and result, the
// reconciliation's health, and "import again" with the number of days (decision 009).
import appDb, { type Db } from "../db.server";
import { startBackfill } from "../sync/sync.server";
import { syncView } from "../sync/rules/progress";
import type { AdminShop } from "./shop.server";

export async function syncPage(shop: AdminShop, db: Db = appDb) {
  const row = await db.shopSync.findUnique({ where: { shopId: shop.id } });
  return { view: syncView(row), timezone: shop.timezone };
}

/** intent=import: a new import of the last `days` days (1–365). */
export async function syncAction(shop: AdminShop, form: FormData, now = new Date(), db: Db = appDb) {
  if (form.get("intent") !== "import") return { ok: false as const, error: "Unknown action" };
  const days = Number(form.get("days") ?? "");
  if (!Number.isInteger(days) || days < 1 || days > 365)
    return { ok: false as const, error: "days: a whole number of days from 1 to 365" };
  const started = await startBackfill(db, shop.domain, now, days);
  return started ? { ok: true as const } : { ok: false as const, error: "The shop is not installed" };
}
