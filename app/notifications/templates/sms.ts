// Customer SMS: short, one GSM-7 segment where possible (shop name, what happened, the link).
import { formattingLocale, messagesFor } from "../copy";
import type { SmsMilestone } from "../rules/policy";
import type { MessageContext } from "./context";
import { oneLine, safeUrl } from "../../lib/html";
import { formatShortDate } from "./format";
import { countSegments, toGsm7, type SmsEncoding } from "./gsm";

export interface RenderedSms {
  body: string;
  segments: number;
  encoding: SmsEncoding;
}

export interface SmsOptions {
  /** Append the localised "Reply STOP to opt out" (e.g. on the first SMS to a number). */
  optOutHint?: boolean;
}

const SHOP_NAME_STEPS = [Infinity, 24, 16, 12];

/**
 * The SMS for a milestone: { body, segments, encoding }. The copy is spelled in GSM-7 when possible
 * (curly quotes, non-breaking spaces, accents GSM lacks). When the body would take more than one
 * segment, the shop name is shortened step by step (never the link). SMS exists only for the
 * SMS-capable milestones (CRITICAL_SMS).
 */
export function renderSms(
  milestone: SmsMilestone,
  ctx: MessageContext,
  locale: string | null | undefined,
  options: SmsOptions = {},
): RenderedSms {
  const m = messagesFor(locale);
  const link = safeUrl(ctx.trackingUrl);
  if (!link) throw new Error("renderSms: ctx.trackingUrl must be an absolute http(s) URL");
  const order = oneLine(ctx.orderName, 40);
  const fullShop = oneLine(ctx.shopName, 100) || "Shop";
  const estimate = ctx.newEstimate?.end ?? null;
  // "2 déc." / "2. Dez.": the abbreviation's own full stop would double the sentence's.
  const date =
    milestone === "delayed"
      ? formatShortDate(estimate, formattingLocale(locale), ctx.timeZone)?.replace(/\.$/, "")
      : undefined;

  let best: RenderedSms | null = null;
  for (const [i, max] of SHOP_NAME_STEPS.entries()) {
    if (i > 0 && fullShop.length <= max) continue; // shortening to this length changes nothing
    const shop = fullShop.length > max ? `${fullShop.slice(0, max - 1).trimEnd()}.` : fullShop;
    let text = m.sms[milestone]({ shop, order, link, date });
    if (options.optOutHint) text = `${text} ${m.smsOptOutHint}`;
    const body = toGsm7(text);
    const info = countSegments(body);
    const candidate: RenderedSms = { body, segments: info.segments, encoding: info.encoding };
    if (!best || candidate.segments < best.segments) best = candidate;
    if (info.segments === 1) break;
  }
  // SHOP_NAME_STEPS is non-empty, so best is set.
  return best as RenderedSms;
}
