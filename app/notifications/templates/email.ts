// Customer emails: MJML (responsive, client-safe HTML) plus a plain-text part, branded and localised.
// Everything that comes from outside (names, notes, places, URLs) is escaped or validated here.
import mjml2htmlUntyped from "mjml";
import { formattingLocale, messagesFor, type CopyParams, type Messages } from "../copy";
import { type Milestone, PARCEL_MILESTONES } from "../rules/policy";
import { DEFAULT_BRANDING, type Branding, type MessageContext } from "./context";
import { escapeHtml, escapeMultiline, oneLine, safeColor, safeFont, safeUrl } from "../../lib/html";
import { formatMoney, formatScanTime, formatShortDate, formatWindow } from "./format";
import { copyVariables, renderCopy, type RenderedCopy } from "./editable-copy";

interface MjmlResult {
  html: string;
  errors: { formattedMessage: string }[];
}
// mjml 4 renders synchronously; @types/mjml-core describes mjml 5's async API.
const mjml2html = mjml2htmlUntyped as unknown as (
  input: string,
  options?: { validationLevel?: "strict" | "soft" | "skip"; keepComments?: boolean; fonts?: Record<string, string> },
) => MjmlResult;

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  /** Set when the shop's own copy could not be rendered and the default copy was used instead. */
  copyError?: string;
}

/** Return milestones whose email carries the return's label and tracking. */
const LABEL_MILESTONES: ReadonlySet<Milestone> = new Set(["return_approved", "return_label"]);

/** Milestones where the (original) estimated delivery window is still worth showing. */
const WINDOW_MILESTONES: ReadonlySet<Milestone> = new Set([
  "order_confirmed",
  "shipped",
  "in_transit_digest",
  "delayed",
]);

const MAX_SCANS = 10;
const MAX_NOTE = 2000;

interface Prepared {
  m: Messages;
  /** The words of this email: the shop's own copy when it has one for the language, else the default. */
  copy: RenderedCopy & { preheader: string };
  copyError: string | null;
  locale: string;
  params: CopyParams;
  trackingUrl: string;
  carrierUrl: string | null;
  carrierText: string | null;
  returnLabelUrl: string | null;
  details: [string, string][];
  scans: [string, string][];
  reason: string | null;
  note: string | null;
  shop: string;
  helpUrl: string | null;
  helpEmail: string | null;
  unsubscribeUrl: string | null;
}

function prepare(milestone: Milestone, ctx: MessageContext, rawLocale: string | null | undefined): Prepared {
  const m = messagesFor(rawLocale);
  const locale = formattingLocale(rawLocale);
  const tz = ctx.timeZone;
  const trackingUrl = safeUrl(ctx.trackingUrl);
  if (!trackingUrl) throw new Error("renderEmail: ctx.trackingUrl must be an absolute http(s) URL");

  const shop = oneLine(ctx.shopName, 100) || "Shop";
  const order = oneLine(ctx.orderName, 40);
  const firstName = oneLine(ctx.customerFirstName, 60) || undefined;
  const parcel = PARCEL_MILESTONES.has(milestone);
  const carrier = parcel ? oneLine(ctx.carrierName, 60) || undefined : undefined;
  const trackingNumber = parcel ? oneLine(ctx.trackingNumber, 60) || undefined : undefined;
  const window = formatWindow(ctx.estimatedWindow, locale, tz);
  const newEstimate =
    milestone === "delayed" || milestone === "shipped_early" ? formatWindow(ctx.newEstimate, locale, tz) : undefined;
  const location =
    milestone === "in_transit_digest" || milestone === "delivery_failed" || milestone === "delayed"
      ? oneLine(ctx.lastLocation, 120) || undefined
      : undefined;
  const amount =
    milestone === "refund_issued" && ctx.refund
      ? formatMoney(ctx.refund.amountMinor, ctx.refund.currency, locale)
      : undefined;

  const params: CopyParams = { shop, order, firstName, carrier, window, newEstimate, location, amount };
  const L = m.labels;
  const details: [string, string][] = [[L.order, order]];
  // Several parcels in one email: one row per parcel ("Tracking number 2 · USPS 9400…").
  const parcels = parcel && (ctx.parcels?.length ?? 0) > 1 ? ctx.parcels! : null;
  if (parcels) {
    parcels.forEach((x, i) => {
      const what = [oneLine(x.carrierName, 60), oneLine(x.trackingNumber, 60)].filter(Boolean).join(" ");
      details.push([`${L.trackingNumber} ${i + 1}`, what || "—"]);
    });
  } else {
    if (carrier) details.push([L.carrier, carrier]);
    if (trackingNumber) details.push([L.trackingNumber, trackingNumber]);
  }
  const detail = milestone === "delivered" ? oneLine(ctx.deliveryDetail, 160) : "";
  if (detail) details.push([L.lastLocation, detail]);
  if (location) details.push([L.lastLocation, location]);
  if (newEstimate) details.push([L.newEstimate, newEstimate]);
  else if (window && WINDOW_MILESTONES.has(milestone)) details.push([L.estimatedDelivery, window]);
  const returnTracking = LABEL_MILESTONES.has(milestone) ? oneLine(ctx.returnTrackingNumber, 60) : "";
  if (returnTracking) details.push([L.returnTracking, returnTracking]);
  if (amount) details.push([L.refundAmount, amount]);
  const refundedOn = milestone === "refund_issued" ? formatShortDate(ctx.refundedAt, locale, tz) : undefined;
  if (amount && refundedOn) details[details.length - 1]![1] = `${amount} · ${refundedOn}`;

  const scans: [string, string][] =
    milestone === "in_transit_digest"
      ? (ctx.scans ?? []).slice(0, MAX_SCANS).map((s) => {
          const what = oneLine(s.message, 120);
          const where = oneLine(s.location, 120);
          return [formatScanTime(s.at, locale, tz), where ? `${what} (${where})` : what];
        })
      : [];

  let carrierUrl: string | null = null;
  let carrierText: string | null = null;
  if (parcel && ctx.carrierUrl && !parcels) {
    carrierUrl = safeUrl(ctx.carrierUrl);
    carrierText = m.carrierLink(carrier);
  } else if (LABEL_MILESTONES.has(milestone) && ctx.returnTrackingUrl) {
    carrierUrl = safeUrl(ctx.returnTrackingUrl);
    carrierText = m.carrierLink(oneLine(ctx.carrierName, 60) || undefined);
  }

  const note = ctx.personalNote?.replace(/\r\n?/g, "\n").trim().slice(0, MAX_NOTE) || null;
  const defaults = m.email[milestone];
  let copy: RenderedCopy = {
    subject: defaults.subject(params),
    heading: defaults.heading(params),
    body: defaults.body(params),
  };
  let copyError: string | null = null;
  const custom = ctx.customCopy?.[m.locale];
  if (custom) {
    // Checked when saved; should it fail now anyway, the customer gets the default words, never a broken email.
    try {
      copy = renderCopy(custom, copyVariables(params, trackingUrl));
    } catch (error) {
      copyError = error instanceof Error ? error.message : String(error);
    }
  }
  return {
    m,
    copy: { ...copy, preheader: defaults.preheader(params) },
    copyError,
    locale,
    params,
    trackingUrl,
    carrierUrl,
    carrierText: carrierUrl ? carrierText : null,
    returnLabelUrl: LABEL_MILESTONES.has(milestone) ? safeUrl(ctx.returnLabelUrl) : null,
    details,
    scans,
    reason: milestone === "delayed" && ctx.delayReason ? (m.delayReasons[ctx.delayReason] ?? null) : null,
    note,
    shop,
    helpUrl: safeUrl(ctx.helpUrl),
    helpEmail: ctx.helpEmail && /^[^\s@<>"]+@[^\s@<>"]+$/.test(ctx.helpEmail.trim()) ? ctx.helpEmail.trim() : null,
    unsubscribeUrl: safeUrl(ctx.unsubscribeUrl),
  };
}

/** Black or white text, whichever reads better on the given background (WCAG relative luminance). */
function textOn(hex: string): string {
  const h = hex.length === 4 ? hex.replace(/^#(.)(.)(.)$/, "#$1$1$2$2$3$3") : hex;
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(h.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const contrastWhite = 1.05 / (lum + 0.05);
  const contrastBlack = (lum + 0.05) / 0.05;
  return contrastWhite >= contrastBlack ? "#ffffff" : "#111111";
}

function mjmlDocument(p: Prepared, branding: Branding): string {
  const { m, params, copy } = p;
  const primary = safeColor(branding.primaryColor, DEFAULT_BRANDING.primaryColor);
  const accent = safeColor(branding.accentColor, DEFAULT_BRANDING.accentColor);
  const font = safeFont(branding.font, DEFAULT_BRANDING.font);
  const logo = safeUrl(branding.logoUrl);
  const e = escapeHtml;

  const header = logo
    ? `<mj-image src="${e(logo)}" alt="${e(p.shop)}" width="160px" align="left" padding="0 25px" href="${e(p.trackingUrl)}" />`
    : `<mj-text font-size="20px" font-weight="700" color="${primary}" padding="0 25px">${e(p.shop)}</mj-text>`;

  // A tracking link written into the copy is made clickable (it is the message's own, already checked).
  const linked = (t: string) =>
    escapeMultiline(t).replaceAll(
      e(p.trackingUrl),
      `<a href="${e(p.trackingUrl)}" style="color:${primary};">${e(p.trackingUrl)}</a>`,
    );
  const paragraphs = copy.body.map((t) => `<mj-text>${linked(t)}</mj-text>`).join("\n        ");
  const reason = p.reason ? `\n        <mj-text>${e(p.reason)}</mj-text>` : "";

  const detailRows = p.details
    .map(
      ([label, value]) =>
        `<tr><td style="padding:6px 0;color:#6b7280;border-bottom:1px solid #e5e7eb;">${e(label)}</td>` +
        `<td style="padding:6px 0;text-align:right;font-weight:600;border-bottom:1px solid #e5e7eb;">${e(value)}</td></tr>`,
    )
    .join("\n          ");
  const details = `
        <mj-table padding="10px 25px" font-size="14px" color="#1f2937">
          ${detailRows}
        </mj-table>`;

  const scans = p.scans.length
    ? `
        <mj-text font-weight="700" padding="16px 25px 4px">${e(m.labels.scans)}</mj-text>
        <mj-table padding="0 25px 10px" font-size="13px" color="#374151">
          ${p.scans
            .map(
              ([when, what]) =>
                `<tr><td style="padding:4px 12px 4px 0;color:#6b7280;white-space:nowrap;vertical-align:top;">${e(when)}</td><td style="padding:4px 0;">${e(what)}</td></tr>`,
            )
            .join("\n          ")}
        </mj-table>`
    : "";

  const labelButton = p.returnLabelUrl
    ? `
        <mj-button href="${e(p.returnLabelUrl)}" background-color="${accent}" color="${textOn(accent)}">${e(m.returnLabelButton)}</mj-button>`
    : "";
  const carrierLink =
    p.carrierUrl && p.carrierText
      ? `
        <mj-text align="center" font-size="14px" padding="0 25px 10px"><a href="${e(p.carrierUrl)}" style="color:${primary};">${e(p.carrierText)}</a></mj-text>`
      : "";

  const note = p.note
    ? `
    <mj-section padding="0 25px">
      <mj-column background-color="#f7f7f8" border-left="4px solid ${accent}">
        <mj-text font-weight="700" padding="12px 16px 0">${e(m.personalNoteHeading(p.shop))}</mj-text>
        <mj-text padding="4px 16px 12px">${escapeMultiline(p.note)}</mj-text>
      </mj-column>
    </mj-section>`
    : "";

  const footerLines = [e(m.footerReason(p.shop))];
  if (p.helpUrl) footerLines.push(`<a href="${e(p.helpUrl)}" style="color:#6b7280;">${e(m.help)}</a>`);
  else if (p.helpEmail) footerLines.push(e(m.helpEmail(p.helpEmail)));
  if (p.unsubscribeUrl)
    footerLines.push(`<a href="${e(p.unsubscribeUrl)}" style="color:#6b7280;">${e(m.unsubscribe)}</a>`);

  return `<mjml lang="${m.locale}">
  <mj-head>
    <mj-title>${e(copy.subject)}</mj-title>
    <mj-preview>${e(copy.preheader)}</mj-preview>
    <mj-attributes>
      <mj-all font-family="${e(font)}" />
      <mj-text font-size="15px" line-height="1.5" color="#1f2937" padding="6px 25px" />
      <mj-button background-color="${primary}" color="${textOn(primary)}" font-size="16px" font-weight="600" border-radius="6px" inner-padding="14px 28px" padding="16px 25px" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="#f3f4f6" width="600px">
    <mj-section padding="24px 0 12px">
      <mj-column>
        ${header}
      </mj-column>
    </mj-section>
    <mj-section background-color="#ffffff" padding="24px 0" border-radius="8px">
      <mj-column>
        <mj-text font-size="24px" font-weight="700" line-height="1.25" color="${primary}" padding="0 25px 12px">${e(copy.heading)}</mj-text>
        <mj-text>${e(m.greeting(params.firstName))}</mj-text>
        ${paragraphs}${reason}${details}${scans}${labelButton}
        <mj-button href="${e(p.trackingUrl)}">${e(m.trackButton)}</mj-button>${carrierLink}
      </mj-column>
    </mj-section>${note}
    <mj-section padding="16px 0 32px">
      <mj-column>
        <mj-text font-size="12px" line-height="1.6" color="#6b7280" align="center">${footerLines.join("<br />")}</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
}

function plainText(p: Prepared): string {
  const { m, params, copy } = p;
  const sep = m.labelSeparator;
  const blocks: string[] = [m.greeting(params.firstName), ...copy.body];
  if (p.reason) blocks.push(p.reason);
  blocks.push(p.details.map(([label, value]) => `${label}${sep}${value}`).join("\n"));
  if (p.scans.length)
    blocks.push(
      [`${m.labels.scans}${sep.trimEnd()}`, ...p.scans.map(([when, what]) => `- ${when}${sep}${what}`)].join("\n"),
    );
  if (p.returnLabelUrl) blocks.push(`${m.returnLabelButton}${sep}${p.returnLabelUrl}`);
  blocks.push(`${m.trackButton}${sep}${p.trackingUrl}`);
  if (p.carrierUrl && p.carrierText) blocks.push(`${p.carrierText}${sep}${p.carrierUrl}`);
  if (p.note) blocks.push(`${m.personalNoteHeading(p.shop)}${sep.trimEnd()}\n${p.note}`);
  const footer = [m.footerReason(p.shop)];
  if (p.helpUrl) footer.push(`${m.help} ${p.helpUrl}`);
  else if (p.helpEmail) footer.push(m.helpEmail(p.helpEmail));
  if (p.unsubscribeUrl) footer.push(`${m.unsubscribe}${sep}${p.unsubscribeUrl}`);
  blocks.push(`--\n${footer.join("\n")}`);
  return `${blocks.join("\n\n")}\n`;
}

/** The MJML source and plain text of an email, before MJML compiles it (for tests and debugging). */
export function composeEmail(
  milestone: Milestone,
  ctx: MessageContext,
  branding: Branding,
  locale: string | null | undefined,
): { subject: string; mjml: string; text: string; copyError: string | null } {
  const p = prepare(milestone, ctx, locale);
  return {
    subject: oneLine(p.copy.subject, 200),
    mjml: mjmlDocument(p, branding),
    text: plainText(p),
    copyError: p.copyError,
  };
}

/**
 * A customer email for a milestone: { subject, html, text }. `locale` is the customer's locale
 * ("fr-CA" → French copy with Canadian French dates); unsupported locales get English. The tracking
 * page link is the primary call to action; order_confirmed never carries a carrier or tracking number.
 */
export function renderEmail(
  milestone: Milestone,
  ctx: MessageContext,
  branding: Branding,
  locale: string | null | undefined,
): RenderedEmail {
  const { subject, mjml, text, copyError } = composeEmail(milestone, ctx, branding, locale);
  const result = mjml2html(mjml, { validationLevel: "soft", keepComments: false, fonts: {} });
  if (typeof (result as unknown as { then?: unknown }).then === "function") {
    throw new Error("renderEmail expects mjml 4's synchronous mjml2html");
  }
  return { subject, html: result.html, text, ...(copyError ? { copyError } : {}) };
}
