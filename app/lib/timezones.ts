// A customer's likely time zone from the shipping address, for quiet hours. Countries spanning several
// zones are resolved by state/province; others use their main zone. Unknown: UTC (the caller may
// prefer the shop's zone, see planNotifications).

const US: Record<string, string> = {
  AL: "America/Chicago",
  AK: "America/Anchorage",
  AZ: "America/Phoenix",
  AR: "America/Chicago",
  CA: "America/Los_Angeles",
  CO: "America/Denver",
  CT: "America/New_York",
  DE: "America/New_York",
  DC: "America/New_York",
  FL: "America/New_York",
  GA: "America/New_York",
  HI: "Pacific/Honolulu",
  ID: "America/Boise",
  IL: "America/Chicago",
  IN: "America/Indiana/Indianapolis",
  IA: "America/Chicago",
  KS: "America/Chicago",
  KY: "America/New_York",
  LA: "America/Chicago",
  ME: "America/New_York",
  MD: "America/New_York",
  MA: "America/New_York",
  MI: "America/Detroit",
  MN: "America/Chicago",
  MS: "America/Chicago",
  MO: "America/Chicago",
  MT: "America/Denver",
  NE: "America/Chicago",
  NV: "America/Los_Angeles",
  NH: "America/New_York",
  NJ: "America/New_York",
  NM: "America/Denver",
  NY: "America/New_York",
  NC: "America/New_York",
  ND: "America/Chicago",
  OH: "America/New_York",
  OK: "America/Chicago",
  OR: "America/Los_Angeles",
  PA: "America/New_York",
  RI: "America/New_York",
  SC: "America/New_York",
  SD: "America/Chicago",
  TN: "America/Chicago",
  TX: "America/Chicago",
  UT: "America/Denver",
  VT: "America/New_York",
  VA: "America/New_York",
  WA: "America/Los_Angeles",
  WV: "America/New_York",
  WI: "America/Chicago",
  WY: "America/Denver",
  PR: "America/Puerto_Rico",
  VI: "America/St_Thomas",
  GU: "Pacific/Guam",
  AS: "Pacific/Pago_Pago",
  MP: "Pacific/Saipan",
  UM: "Pacific/Honolulu",
  AA: "America/New_York",
  AE: "Europe/Berlin",
  AP: "Asia/Tokyo", // armed forces mail: a best guess
};

const CA: Record<string, string> = {
  AB: "America/Edmonton",
  BC: "America/Vancouver",
  MB: "America/Winnipeg",
  NB: "America/Moncton",
  NL: "America/St_Johns",
  NS: "America/Halifax",
  NT: "America/Edmonton",
  NU: "America/Iqaluit",
  ON: "America/Toronto",
  PE: "America/Halifax",
  QC: "America/Toronto",
  SK: "America/Regina",
  YT: "America/Whitehorse",
};

const AU: Record<string, string> = {
  ACT: "Australia/Sydney",
  NSW: "Australia/Sydney",
  NT: "Australia/Darwin",
  QLD: "Australia/Brisbane",
  SA: "Australia/Adelaide",
  TAS: "Australia/Hobart",
  VIC: "Australia/Melbourne",
  WA: "Australia/Perth",
};

const BR: Record<string, string> = {
  AC: "America/Rio_Branco",
  AL: "America/Maceio",
  AP: "America/Belem",
  AM: "America/Manaus",
  BA: "America/Bahia",
  CE: "America/Fortaleza",
  DF: "America/Sao_Paulo",
  ES: "America/Sao_Paulo",
  GO: "America/Sao_Paulo",
  MA: "America/Fortaleza",
  MT: "America/Cuiaba",
  MS: "America/Campo_Grande",
  MG: "America/Sao_Paulo",
  PA: "America/Belem",
  PB: "America/Fortaleza",
  PR: "America/Sao_Paulo",
  PE: "America/Recife",
  PI: "America/Fortaleza",
  RJ: "America/Sao_Paulo",
  RN: "America/Fortaleza",
  RS: "America/Sao_Paulo",
  RO: "America/Porto_Velho",
  RR: "America/Boa_Vista",
  SC: "America/Sao_Paulo",
  SP: "America/Sao_Paulo",
  SE: "America/Maceio",
  TO: "America/Araguaina",
};

// Shopify's codes (AGS, BC, ..., "Q ROO") and ISO 3166-2 codes (AGU, BCN, ..., ROO) both resolve.
const MX: Record<string, string> = {
  BC: "America/Tijuana",
  BCN: "America/Tijuana",
  BCS: "America/Mazatlan",
  SON: "America/Hermosillo",
  SIN: "America/Mazatlan",
  NAY: "America/Mazatlan",
  CHIH: "America/Chihuahua",
  CHH: "America/Chihuahua",
  QROO: "America/Cancun",
  ROO: "America/Cancun",
  COAH: "America/Monterrey",
  COA: "America/Monterrey",
  NL: "America/Monterrey",
  NLE: "America/Monterrey",
  TAMPS: "America/Monterrey",
  TAM: "America/Monterrey",
};

const SPAIN: Record<string, string> = { GC: "Atlantic/Canary", TF: "Atlantic/Canary", CN: "Atlantic/Canary" };
const PORTUGAL: Record<string, string> = {
  PT20: "Atlantic/Azores",
  PT30: "Atlantic/Madeira",
  "20": "Atlantic/Azores",
  "30": "Atlantic/Madeira",
};

const BY_REGION: Record<string, { regions: Record<string, string>; fallback: string }> = {
  US: { regions: US, fallback: "America/Chicago" },
  CA: { regions: CA, fallback: "America/Toronto" },
  AU: { regions: AU, fallback: "Australia/Sydney" },
  BR: { regions: BR, fallback: "America/Sao_Paulo" },
  MX: { regions: MX, fallback: "America/Mexico_City" },
  ES: { regions: SPAIN, fallback: "Europe/Madrid" },
  PT: { regions: PORTUGAL, fallback: "Europe/Lisbon" },
};

/** One zone for countries that have one (or one where nearly everyone lives). */
const COUNTRY: Record<string, string> = {
  GB: "Europe/London",
  IE: "Europe/Dublin",
  FR: "Europe/Paris",
  DE: "Europe/Berlin",
  IT: "Europe/Rome",
  NL: "Europe/Amsterdam",
  BE: "Europe/Brussels",
  LU: "Europe/Luxembourg",
  CH: "Europe/Zurich",
  AT: "Europe/Vienna",
  LI: "Europe/Vaduz",
  MC: "Europe/Monaco",
  DK: "Europe/Copenhagen",
  SE: "Europe/Stockholm",
  NO: "Europe/Oslo",
  FI: "Europe/Helsinki",
  IS: "Atlantic/Reykjavik",
  PL: "Europe/Warsaw",
  CZ: "Europe/Prague",
  SK: "Europe/Bratislava",
  HU: "Europe/Budapest",
  SI: "Europe/Ljubljana",
  HR: "Europe/Zagreb",
  RS: "Europe/Belgrade",
  BA: "Europe/Sarajevo",
  RO: "Europe/Bucharest",
  BG: "Europe/Sofia",
  GR: "Europe/Athens",
  CY: "Asia/Nicosia",
  MT: "Europe/Malta",
  EE: "Europe/Tallinn",
  LV: "Europe/Riga",
  LT: "Europe/Vilnius",
  UA: "Europe/Kyiv",
  TR: "Europe/Istanbul",
  RU: "Europe/Moscow",
  IL: "Asia/Jerusalem",
  AE: "Asia/Dubai",
  SA: "Asia/Riyadh",
  QA: "Asia/Qatar",
  KW: "Asia/Kuwait",
  BH: "Asia/Bahrain",
  OM: "Asia/Muscat",
  JO: "Asia/Amman",
  LB: "Asia/Beirut",
  EG: "Africa/Cairo",
  MA: "Africa/Casablanca",
  NG: "Africa/Lagos",
  KE: "Africa/Nairobi",
  GH: "Africa/Accra",
  ZA: "Africa/Johannesburg",
  IN: "Asia/Kolkata",
  PK: "Asia/Karachi",
  BD: "Asia/Dhaka",
  LK: "Asia/Colombo",
  NP: "Asia/Kathmandu",
  CN: "Asia/Shanghai",
  HK: "Asia/Hong_Kong",
  MO: "Asia/Macau",
  TW: "Asia/Taipei",
  JP: "Asia/Tokyo",
  KR: "Asia/Seoul",
  SG: "Asia/Singapore",
  MY: "Asia/Kuala_Lumpur",
  TH: "Asia/Bangkok",
  VN: "Asia/Ho_Chi_Minh",
  PH: "Asia/Manila",
  ID: "Asia/Jakarta",
  NZ: "Pacific/Auckland",
  AR: "America/Argentina/Buenos_Aires",
  CL: "America/Santiago",
  CO: "America/Bogota",
  PE: "America/Lima",
  EC: "America/Guayaquil",
  UY: "America/Montevideo",
  PY: "America/Asuncion",
  BO: "America/La_Paz",
  VE: "America/Caracas",
  CR: "America/Costa_Rica",
  PA: "America/Panama",
  GT: "America/Guatemala",
  SV: "America/El_Salvador",
  HN: "America/Tegucigalpa",
  NI: "America/Managua",
  DO: "America/Santo_Domingo",
  JM: "America/Jamaica",
  TT: "America/Port_of_Spain",
};

/** All zones the table can answer, for tests and settings pages. */
export function knownAddressZones(): string[] {
  const zones = new Set<string>(Object.values(COUNTRY));
  for (const { regions, fallback } of Object.values(BY_REGION)) {
    zones.add(fallback);
    for (const z of Object.values(regions)) zones.add(z);
  }
  return [...zones].sort();
}

function normaliseRegion(country: string, province: string | null | undefined): string {
  if (!province) return "";
  let p = province.trim().toUpperCase().replace(/[\s.]/g, "");
  // "US-OH" (Shipment.destRegion) and ISO "MX-ROO" forms.
  if (p.startsWith(`${country}-`)) p = p.slice(country.length + 1);
  return p.replace(/-/g, "");
}

/**
 * A reasonable IANA zone for a shipping address. `countryCode` is ISO 3166-1 alpha-2; `provinceCode` is
 * Shopify's province code ("NY", "QC", "NSW", "SP", "Q ROO") or an ISO 3166-2 form ("US-NY").
 */
export function timezoneForAddress(countryCode: string | null | undefined, provinceCode?: string | null): string {
  const country = (countryCode ?? "").trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) return "UTC";
  const multi = BY_REGION[country];
  if (multi) return multi.regions[normaliseRegion(country, provinceCode)] ?? multi.fallback;
  return COUNTRY[country] ?? "UTC";
}
