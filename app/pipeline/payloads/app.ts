// The app's lifecycle: app/uninstalled (its body is the Shop) and app/scopes_update.
import { z } from "zod";
import { distinct, Id, IsoTime, parseWith, requiredId, Text, text } from "./fields";

const AppUninstalledSchema = z.object({ id: Id, myshopify_domain: Text, domain: Text, name: Text });
const ScopesUpdateSchema = z.object({
  id: Id.nullish(),
  previous: z.array(z.string()).nullish(),
  current: z.array(z.string()),
  updated_at: IsoTime.nullish(),
});

export interface AppUninstalledRecord {
  shopId: string;
  /** myshopify_domain (lower-cased), null if the payload lacks it: use X-Shopify-Shop-Domain. */
  shopDomain: string | null;
  shopName: string | null;
}

export interface AppScopesUpdateRecord {
  previous: string[];
  current: string[];
  updatedAt: Date | null;
}

/** app/uninstalled: the body is the Shop. */
export function parseAppUninstalled(json: unknown, topic = "app/uninstalled"): AppUninstalledRecord {
  const p = parseWith(AppUninstalledSchema, json, topic);
  return {
    shopId: requiredId(topic, "id", p.id),
    shopDomain: text(p.myshopify_domain)?.toLowerCase() ?? null,
    shopName: text(p.name),
  };
}

/** app/scopes_update. */
export function parseAppScopesUpdate(json: unknown, topic = "app/scopes_update"): AppScopesUpdateRecord {
  const p = parseWith(ScopesUpdateSchema, json, topic);
  return { previous: distinct(p.previous ?? []), current: distinct(p.current), updatedAt: p.updated_at ?? null };
}
