// SMS encoding and segment counting (3GPP TS 23.038 / 23.040).
// GSM-7: 160 septets in one segment, 153 per segment when concatenated; extension-table characters
// take two septets (escape + char) and are never split across segments.
// UCS-2: 70 UTF-16 code units in one segment, 67 when concatenated; surrogate pairs are never split.

const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENSION = "\f^{}\\[~]|€";

const BASIC = new Set(Array.from(GSM_BASIC));
const EXTENSION = new Set(Array.from(GSM_EXTENSION));

export type SmsEncoding = "GSM-7" | "UCS-2";

export interface SegmentInfo {
  encoding: SmsEncoding;
  segments: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
}

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!BASIC.has(ch) && !EXTENSION.has(ch)) return false;
  return true;
}

/** Septets a GSM-7 character takes (1 basic, 2 extension). */
function septets(ch: string): number {
  return EXTENSION.has(ch) ? 2 : 1;
}

function pack(sizes: number[], single: number, multi: number): { segments: number; units: number } {
  const units = sizes.reduce((a, b) => a + b, 0);
  if (units <= single) return { segments: 1, units };
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > multi) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return { segments, units };
}

/** Encoding and segment count of a message body as a carrier will bill it. An empty body is one segment. */
export function countSegments(text: string): SegmentInfo {
  const chars = Array.from(text);
  if (isGsm7(text)) {
    const { segments, units } = pack(chars.map(septets), 160, 153);
    return { encoding: "GSM-7", segments, units };
  }
  const { segments, units } = pack(
    chars.map((c) => c.length),
    70,
    67,
  );
  return { encoding: "UCS-2", segments, units };
}

/** Characters outside GSM-7 with a faithful GSM-7 spelling. */
const REPLACEMENTS: Record<string, string> = {
  "\u2018": "'",
  "\u2019": "'",
  "\u201a": "'",
  "\u201b": "'",
  "\u2032": "'",
  "\u00b4": "'",
  "\u0060": "'",
  "\u201c": '"',
  "\u201d": '"',
  "\u201e": '"',
  "\u201f": '"',
  "\u2033": '"',
  "\u00ab": '"',
  "\u00bb": '"',
  "\u2039": "'",
  "\u203a": "'",
  "\u2010": "-",
  "\u2011": "-",
  "\u2012": "-",
  "\u2013": "-",
  "\u2014": "-",
  "\u2015": "-",
  "\u2212": "-",
  "\u2026": "...",
  "\u2022": "-",
  "\u00b7": "-",
  "\u00a0": " ",
  "\u2000": " ",
  "\u2001": " ",
  "\u2002": " ",
  "\u2003": " ",
  "\u2004": " ",
  "\u2005": " ",
  "\u2006": " ",
  "\u2007": " ",
  "\u2008": " ",
  "\u2009": " ",
  "\u200a": " ",
  "\u202f": " ",
  "\u205f": " ",
  "\u3000": " ",
  "\t": " ",
  "\u200b": "",
  "\u200c": "",
  "\u200d": "",
  "\u2060": "",
  "\ufeff": "",
  "\u00ad": "",
  "\u0153": "oe",
  "\u0152": "OE",
};

function toGsmChar(ch: string): string | null {
  if (BASIC.has(ch) || EXTENSION.has(ch)) return ch;
  const r = REPLACEMENTS[ch];
  if (r !== undefined) return r;
  // Accented letters without a GSM-7 form: drop the accent (ê → e, á → a, ç → c handled above).
  const stripped = ch.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  if (stripped !== ch && isGsm7(stripped)) return stripped;
  return null;
}

/**
 * The text spelled in GSM-7 where that is possible: typographic quotes, dashes, ellipses and
 * non-breaking/narrow spaces (as Intl puts in French numbers and dates) become their ASCII forms,
 * accents GSM-7 lacks are dropped (ê → e). When some character has no GSM-7 form (emoji, CJK), the
 * original text is returned unchanged: it goes as UCS-2, which shows it faithfully at the same cost.
 */
export function toGsm7(text: string): string {
  let out = "";
  for (const ch of text) {
    const g = toGsmChar(ch);
    if (g === null) return text;
    out += g;
  }
  return out;
}
