// The order-status block's backend (extensions/order-status-block, on Shopify's order status page in
// customer accounts): the order named by the block, if it belongs to the customer the verified session
// token names, found by the storefront's own lookup service and shaped for the block. The stages and the
// estimate are computed by the tracking page's own script (extensions/tracking-block/assets/tracking-core.js,
// evaluated once in a bare V8 context, as tests/extensions/tracking-script.test.ts loads it) with the
// tracking page's locale files, so the block shows exactly what the tracking page shows.
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import type { LookupFound, LookupShipment } from "./contract";
import { storefront } from "./handlers.server";
import type { LookupService } from "./lookup.server";
import { EXTENSION_ROOT, storefrontString } from "./page.server";
import { storefrontLocale } from "./rules/status-labels";
import type {
  OrderStatusFound,
  OrderStatusResponse,
  OrderStatusStages,
  StepState,
} from "../../extensions/order-status-block/src/contract";

interface Progress {
  steps: string[];
  text: string;
}
interface TrackingCore {
  fill(t: string, v: Record<string, unknown>): string;
  progress(stage: number, kind: string, subStatus: string, label: string, names: string[], tpl: string): Progress;
  formatWindow(e: { start: string; end: string } | null, locale: string): string;
}

let core: TrackingCore | null = null;
function trackingCore(): TrackingCore {
  if (!core) {
    const code = fs.readFileSync(path.join(EXTENSION_ROOT, "assets", "tracking-core.js"), "utf8");
    const sandbox = { module: { exports: {} as unknown } };
    vm.runInNewContext(code, sandbox, { filename: "tracking-core.js" });
    core = sandbox.module.exports as TrackingCore;
  }
  return core;
}

const STAGE_KEYS = ["confirmed", "label_created", "in_transit", "delivery", "returns"] as const;

/** The session token's claims the backend reads (shopify-api's JwtPayload). */
export interface CustomerAccountToken {
  dest: string;
  sub?: string;
}

/** A gid or a bare id → the numeric id ("gid://shopify/Order/42" → "42"); anything else → null. */
export function numericId(raw: string | null | undefined, type: "Order" | "Customer"): string | null {
  if (!raw) return null;
  const m = new RegExp(`^(?:gid://shopify/${type}/)?(\\d{1,20})$`).exec(raw.trim());
  return m ? m[1]! : null;
}

/** The block's view of a found lookup, in the lookup's locale. */
export function orderStatusView(found: LookupFound): OrderStatusFound {
  const c = trackingCore();
  const locale = found.locale;
  const t = (key: string) => storefrontString(locale, `tracking.${key}`);
  const names = STAGE_KEYS.map((k) => t(`stages.${k}`));
  const stages = (stage: number, kind: string, subStatus: string, label: string): OrderStatusStages => {
    const p = c.progress(stage, kind, subStatus, label, names, t("result.progress"));
    return {
      steps: p.steps.map((state, i) => ({ label: names[i]!, state: state as StepState })),
      text: p.text,
    };
  };
  const ships = found.shipments;
  const { order } = found;
  const shipment = (s: LookupShipment, i: number) => {
    const range = c.formatWindow(s.estimate, locale);
    const source = s.estimate?.source === "carrier" ? t("result.carrier_estimate") : t("result.predicted_estimate");
    return {
      id: s.id,
      title:
        s.kind === "return"
          ? t("result.return_package")
          : ships.length > 1
            ? c.fill(t("result.package"), { n: i + 1, total: ships.length })
            : null,
      statusLabel: s.statusLabel,
      stages: stages(s.stage, s.kind, s.subStatus, s.statusLabel),
      estimate: range ? { label: t("result.estimate"), text: `${range} (${source})` } : null,
      carrierLink: s.carrierUrl
        ? { url: s.carrierUrl, text: c.fill(t("result.carrier_link"), { carrier: s.carrier }) }
        : null,
      trackingNumber: s.trackingNumber ? { label: t("result.tracking_number"), value: s.trackingNumber } : null,
      notice: s.delayed ? (s.delayNotice ?? t("result.delayed")) : s.needsAttention ? t("result.attention") : null,
    };
  };
  const waiting = ships.length === 0 && !order.cancelled;
  return {
    found: true,
    locale,
    heading: c.fill(t("result.order"), { order: order.name }),
    statusLabel: order.statusLabel,
    cancelled: order.cancelled ? t("result.cancelled") : null,
    waiting: waiting
      ? { stages: stages(order.stage, "outbound", order.status, order.statusLabel), text: t("result.preparing") }
      : null,
    shipments: ships.map(shipment),
  };
}

/**
 * The answer for one block request: the order (query `order`, a gid or numeric id) of the signed-in
 * customer (`sub`) of the shop (`dest`), in `locale`. 400 for a malformed request, 404 when the order
 * is not this customer's (or unknown: the same answer).
 */
export async function orderStatusAnswer(
  token: CustomerAccountToken,
  query: URLSearchParams,
  lookups: LookupService = storefront().lookups,
): Promise<{ status: number; body: OrderStatusResponse }> {
  const shopDomain = token.dest
    .replace(/^https?:\/\//i, "")
    .replace(/\/.*$/, "")
    .toLowerCase();
  const orderId = numericId(query.get("order"), "Order");
  const customerId = numericId(token.sub, "Customer");
  if (!orderId || !customerId) return { status: 400, body: { found: false, reason: "invalid" } };
  const result = await lookups.byCustomerOrder(
    shopDomain,
    { orderId, customerId },
    { locale: storefrontLocale(query.get("locale")), recs: "off" },
  );
  if (result.status !== 200 || !result.body.found || result.body.scope === "parcel")
    return {
      status: result.status === 400 ? 400 : 404,
      body: { found: false, reason: result.status === 400 ? "invalid" : "not_found" },
    };
  return { status: 200, body: orderStatusView(result.body) };
}
