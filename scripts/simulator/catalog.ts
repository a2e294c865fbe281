// What the simulated shop sells, where it ships, and how carriers behave: products, customers'
// names, destinations, carriers with their services and valid-format tracking numbers (real check
// digits, so ts-tracking-number and the app's carrier detection recognise them), hubs for scans.
import type { Random } from "./random";

export interface Product {
  productId: number;
  variantId: number;
  title: string;
  variantTitle: string;
  sku: string;
  price: string;
  grams: number;
}

export const PRODUCTS: readonly Product[] = [
  {
    productId: 9012345678901,
    variantId: 47123456789012,
    title: "Trailhead 40L Backpack",
    variantTitle: "Slate",
    sku: "WP-BKP-40-SLT",
    price: "129.00",
    grams: 1450,
  },
  {
    productId: 9012345678901,
    variantId: 47123456789013,
    title: "Trailhead 40L Backpack",
    variantTitle: "Moss",
    sku: "WP-BKP-40-MOS",
    price: "129.00",
    grams: 1450,
  },
  {
    productId: 9012345679902,
    variantId: 47123456790015,
    title: "Summit Insulated Bottle 1L",
    variantTitle: "Glacier",
    sku: "WP-BTL-1L-GLC",
    price: "34.00",
    grams: 480,
  },
  {
    productId: 9012345679902,
    variantId: 47123456790016,
    title: "Summit Insulated Bottle 1L",
    variantTitle: "Ember",
    sku: "WP-BTL-1L-EMB",
    price: "34.00",
    grams: 480,
  },
  {
    productId: 9012345680011,
    variantId: 47123456791101,
    title: "Merino Trail Socks",
    variantTitle: "M",
    sku: "WP-SCK-MER-M",
    price: "19.00",
    grams: 90,
  },
  {
    productId: 9012345680022,
    variantId: 47123456791202,
    title: "Ridgeline Rain Shell",
    variantTitle: "Navy / L",
    sku: "WP-SHL-NVY-L",
    price: "189.00",
    grams: 390,
  },
  {
    productId: 9012345680033,
    variantId: 47123456791303,
    title: "Basecamp Headlamp",
    variantTitle: "Default Title",
    sku: "WP-HDL-300",
    price: "45.00",
    grams: 110,
  },
  {
    productId: 9012345680044,
    variantId: 47123456791404,
    title: "Switchback Trekking Poles",
    variantTitle: "Pair",
    sku: "WP-POL-PR",
    price: "89.00",
    grams: 520,
  },
  {
    productId: 9012345680055,
    variantId: 47123456791505,
    title: "Alpine Down Vest",
    variantTitle: "Black / M",
    sku: "WP-VST-BLK-M",
    price: "149.00",
    grams: 310,
  },
  {
    productId: 9012345680066,
    variantId: 47123456791606,
    title: "Camp Mug Set",
    variantTitle: "Set of 2",
    sku: "WP-MUG-2",
    price: "28.00",
    grams: 640,
  },
];

export const FIRST_NAMES = [
  "Maya",
  "Leo",
  "Ava",
  "Noah",
  "Zoe",
  "Liam",
  "Priya",
  "Mateo",
  "Chloe",
  "Ethan",
  "Aisha",
  "Lucas",
  "Hannah",
  "Oliver",
  "Sofia",
  "Jonas",
  "Emma",
  "Yuki",
  "Amara",
  "Felix",
  "Clara",
  "Omar",
  "Isla",
  "Hugo",
  "Nina",
  "Diego",
  "Freya",
  "Ravi",
  "Elena",
  "Samuel",
] as const;
export const LAST_NAMES = [
  "Chen",
  "Park",
  "Garcia",
  "Nguyen",
  "Patel",
  "Müller",
  "Dubois",
  "Rossi",
  "Smith",
  "Johnson",
  "Okafor",
  "Kowalski",
  "Tremblay",
  "Martin",
  "Silva",
  "Andersen",
  "Brown",
  "Tanaka",
  "Murphy",
  "Schmidt",
  "Lopez",
  "Wilson",
  "Moreau",
  "Fischer",
  "Singh",
  "Roy",
  "Taylor",
  "Evans",
  "Bianchi",
  "Novak",
] as const;

export type Region = "US" | "CA" | "GB" | "EU";

export interface Destination {
  region: Region;
  city: string;
  province: string | null;
  provinceCode: string | null;
  country: string;
  countryCode: string;
  zip: string;
  lat: number;
  lng: number;
  street: string;
  phonePrefix: string;
  locale: string;
}

const d = (
  region: Region,
  city: string,
  province: string | null,
  provinceCode: string | null,
  country: string,
  countryCode: string,
  zip: string,
  lat: number,
  lng: number,
  street: string,
  phonePrefix: string,
  locale: string,
): Destination => ({
  region,
  city,
  province,
  provinceCode,
  country,
  countryCode,
  zip,
  lat,
  lng,
  street,
  phonePrefix,
  locale,
});

export const DESTINATIONS: readonly (readonly [Destination, number])[] = [
  [
    d(
      "US",
      "Cambridge",
      "Massachusetts",
      "MA",
      "United States",
      "US",
      "02139",
      42.3663,
      -71.0936,
      "55 Hampshire St",
      "+1617555",
      "en-US",
    ),
    6,
  ],
  [
    d(
      "US",
      "Brooklyn",
      "New York",
      "NY",
      "United States",
      "US",
      "11215",
      40.6681,
      -73.9806,
      "412 7th Ave",
      "+1718555",
      "en-US",
    ),
    8,
  ],
  [
    d(
      "US",
      "Austin",
      "Texas",
      "TX",
      "United States",
      "US",
      "78704",
      30.2457,
      -97.7654,
      "1700 S Lamar Blvd",
      "+1512555",
      "en-US",
    ),
    7,
  ],
  [
    d(
      "US",
      "Denver",
      "Colorado",
      "CO",
      "United States",
      "US",
      "80205",
      39.7589,
      -104.9659,
      "2901 Blake St",
      "+1303555",
      "en-US",
    ),
    6,
  ],
  [
    d(
      "US",
      "Seattle",
      "Washington",
      "WA",
      "United States",
      "US",
      "98103",
      47.6615,
      -122.3432,
      "3601 Fremont Ave N",
      "+1206555",
      "en-US",
    ),
    6,
  ],
  [
    d(
      "US",
      "Portland",
      "Oregon",
      "OR",
      "United States",
      "US",
      "97214",
      45.5152,
      -122.6413,
      "1300 SE Stark St",
      "+1503555",
      "en-US",
    ),
    4,
  ],
  [
    d(
      "US",
      "Chicago",
      "Illinois",
      "IL",
      "United States",
      "US",
      "60614",
      41.9214,
      -87.6513,
      "2230 N Lincoln Ave",
      "+1312555",
      "en-US",
    ),
    7,
  ],
  [
    d(
      "US",
      "Atlanta",
      "Georgia",
      "GA",
      "United States",
      "US",
      "30307",
      33.7627,
      -84.3466,
      "1015 Euclid Ave NE",
      "+1404555",
      "en-US",
    ),
    5,
  ],
  [
    d(
      "US",
      "Oakland",
      "California",
      "CA",
      "United States",
      "US",
      "94612",
      37.8089,
      -122.2685,
      "2100 Telegraph Ave",
      "+1510555",
      "en-US",
    ),
    8,
  ],
  [
    d(
      "US",
      "Salt Lake City",
      "Utah",
      "UT",
      "United States",
      "US",
      "84111",
      40.7608,
      -111.891,
      "350 S 400 E",
      "+1801555",
      "en-US",
    ),
    3,
  ],
  [
    d(
      "US",
      "Minneapolis",
      "Minnesota",
      "MN",
      "United States",
      "US",
      "55408",
      44.9483,
      -93.2983,
      "2900 Hennepin Ave",
      "+1612555",
      "en-US",
    ),
    4,
  ],
  [
    d(
      "US",
      "Asheville",
      "North Carolina",
      "NC",
      "United States",
      "US",
      "28801",
      35.5951,
      -82.5515,
      "60 Biltmore Ave",
      "+1828555",
      "en-US",
    ),
    2,
  ],
  [
    d(
      "CA",
      "Toronto",
      "Ontario",
      "ON",
      "Canada",
      "CA",
      "M5V 2T6",
      43.6426,
      -79.3871,
      "220 King St W",
      "+1416555",
      "en-CA",
    ),
    5,
  ],
  [
    d(
      "CA",
      "Vancouver",
      "British Columbia",
      "BC",
      "Canada",
      "CA",
      "V6B 1A1",
      49.2827,
      -123.1207,
      "800 Robson St",
      "+1604555",
      "en-CA",
    ),
    4,
  ],
  [
    d(
      "CA",
      "Montréal",
      "Quebec",
      "QC",
      "Canada",
      "CA",
      "H2X 1Y4",
      45.5088,
      -73.5617,
      "175 Rue Sainte-Catherine O",
      "+1514555",
      "fr-CA",
    ),
    3,
  ],
  [
    d(
      "GB",
      "London",
      "England",
      "ENG",
      "United Kingdom",
      "GB",
      "E1 6AN",
      51.5203,
      -0.0754,
      "12 Brick Ln",
      "+447700900",
      "en-GB",
    ),
    5,
  ],
  [
    d(
      "GB",
      "Manchester",
      "England",
      "ENG",
      "United Kingdom",
      "GB",
      "M4 1HN",
      53.4839,
      -2.2366,
      "40 Oldham St",
      "+447700900",
      "en-GB",
    ),
    3,
  ],
  [
    d("EU", "Berlin", null, null, "Germany", "DE", "10435", 52.5363, 13.4101, "Kastanienallee 12", "+4915550", "de-DE"),
    3,
  ],
  [d("EU", "Paris", null, null, "France", "FR", "75011", 48.8589, 2.3795, "18 Rue Oberkampf", "+3361555", "fr-FR"), 3],
  [
    d(
      "EU",
      "Amsterdam",
      null,
      null,
      "Netherlands",
      "NL",
      "1016 GV",
      52.3731,
      4.8836,
      "Prinsengracht 300",
      "+3161555",
      "en-NL",
    ),
    2,
  ],
  [
    d(
      "EU",
      "Madrid",
      null,
      null,
      "Spain",
      "ES",
      "28004",
      40.4254,
      -3.7015,
      "Calle de Fuencarral 70",
      "+3461555",
      "es-ES",
    ),
    2,
  ],
  [
    d("EU", "Dublin", null, null, "Ireland", "IE", "D02 XY45", 53.3419, -6.2673, "14 Camden St", "+35385555", "en-IE"),
    1,
  ],
];

export interface Hub {
  city: string;
  province: string | null;
  country: string;
  zip: string;
  lat: number;
  lng: number;
}

const h = (city: string, province: string | null, country: string, zip: string, lat: number, lng: number): Hub => ({
  city,
  province,
  country,
  zip,
  lat,
  lng,
});

export type CarrierName = "UPS" | "USPS" | "FedEx" | "DHL Express" | "Canada Post";

export interface Service {
  name: string;
  code: string;
  price: string;
  /** Median transit time in hours from the first scan to delivery. */
  transitHours: number;
}

export interface Carrier {
  name: CarrierName;
  services: readonly Service[];
  hubs: readonly Hub[];
  trackingUrl: (n: string) => string;
  trackingNumber: (rng: Random) => string;
}

// ── tracking numbers with their real check digits ──

function upsNumber(rng: Random): string {
  const body = `${rng.pick(["999AA1", "4V8W21", "A1B2C3", "9W7X55"])}${rng.pick(["01", "02", "03", "12", "42"])}${rng.digits(7)}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    const v = /\d/.test(ch) ? Number(ch) : (ch.charCodeAt(0) - 63) % 10;
    sum += i % 2 === 1 ? v * 2 : v;
  }
  return `1Z${body}${(10 - (sum % 10)) % 10}`;
}

function mod10(digits: string, evenFromRight: number, oddFromRight: number): number {
  let sum = 0;
  const rev = digits.split("").reverse();
  rev.forEach((c, i) => (sum += Number(c) * (i % 2 === 0 ? evenFromRight : oddFromRight)));
  return (10 - (sum % 10)) % 10;
}

function uspsNumber(rng: Random): string {
  const body = `${rng.pick(["9400", "9405", "9205"])}1${rng.digits(16)}`;
  return `${body}${mod10(body, 3, 1)}`;
}

function fedexNumber(rng: Random): string {
  const body = `${rng.pick(["7", "4", "3"])}${rng.digits(10)}`;
  const w = [3, 1, 7];
  let sum = 0;
  for (let i = 0; i < 11; i++) sum += Number(body[i]) * (w[i % 3] as number);
  return `${body}${(sum % 11) % 10}`;
}

function dhlNumber(rng: Random): string {
  const body = `${rng.int(1, 9)}${rng.digits(8)}`;
  return `${body}${Number(body) % 7}`;
}

function s10Number(rng: Random, prefix: string, country: string): string {
  const body = rng.digits(8);
  const w = [8, 6, 4, 2, 3, 5, 9, 7];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(body[i]) * (w[i] as number);
  let k = 11 - (sum % 11);
  if (k === 10) k = 0;
  else if (k === 11) k = 5;
  return `${prefix}${body}${k}${country}`;
}

export const CARRIERS: Record<CarrierName, Carrier> = {
  UPS: {
    name: "UPS",
    services: [
      { name: "UPS Ground", code: "03", price: "9.95", transitHours: 72 },
      { name: "UPS 2nd Day Air", code: "02", price: "19.95", transitHours: 44 },
      { name: "UPS Standard", code: "11", price: "14.95", transitHours: 96 },
    ],
    hubs: [
      h("Louisville", "KY", "US", "40209", 38.1744, -85.7364),
      h("Hodgkins", "IL", "US", "60525", 41.7689, -87.8573),
      h("Mesquite", "TX", "US", "75149", 32.7668, -96.5992),
      h("Ontario", "CA", "US", "91761", 34.0633, -117.6509),
    ],
    trackingUrl: (n) => `https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=${n}`,
    trackingNumber: upsNumber,
  },
  USPS: {
    name: "USPS",
    services: [
      { name: "USPS Ground Advantage", code: "GroundAdvantage", price: "6.95", transitHours: 90 },
      { name: "USPS Priority Mail", code: "Priority", price: "11.95", transitHours: 55 },
    ],
    hubs: [
      h("Jersey City", "NJ", "US", "07097", 40.7282, -74.0776),
      h("Chicago", "IL", "US", "60607", 41.8757, -87.6509),
      h("Dallas", "TX", "US", "75260", 32.7767, -96.797),
      h("Denver", "CO", "US", "80266", 39.7392, -104.9903),
    ],
    trackingUrl: (n) => `https://tools.usps.com/go/TrackConfirmAction?qtc_tLabels1=${n}`,
    trackingNumber: uspsNumber,
  },
  FedEx: {
    name: "FedEx",
    services: [
      { name: "FedEx Ground", code: "FEDEX_GROUND", price: "10.95", transitHours: 80 },
      { name: "FedEx 2Day", code: "FEDEX_2_DAY", price: "21.95", transitHours: 45 },
      { name: "FedEx Standard Overnight", code: "STANDARD_OVERNIGHT", price: "39.95", transitHours: 20 },
    ],
    hubs: [
      h("Memphis", "TN", "US", "38118", 35.0424, -89.9767),
      h("Indianapolis", "IN", "US", "46241", 39.7173, -86.2944),
      h("Fort Worth", "TX", "US", "76177", 32.9876, -97.3189),
    ],
    trackingUrl: (n) => `https://www.fedex.com/fedextrack/?trknbr=${n}`,
    trackingNumber: fedexNumber,
  },
  "DHL Express": {
    name: "DHL Express",
    services: [
      { name: "DHL Express Worldwide", code: "P", price: "34.95", transitHours: 70 },
      { name: "DHL Express 12:00", code: "Y", price: "54.95", transitHours: 50 },
    ],
    hubs: [
      h("Cincinnati", "KY", "US", "41048", 39.0489, -84.6678),
      h("Leipzig", null, "DE", "04435", 51.4239, 12.2364),
      h("East Midlands", null, "GB", "DE74 2SA", 52.8311, -1.328),
      h("Brussels", null, "BE", "1930", 50.9014, 4.4844),
    ],
    trackingUrl: (n) => `https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id=${n}`,
    trackingNumber: dhlNumber,
  },
  "Canada Post": {
    name: "Canada Post",
    services: [
      { name: "Canada Post Expedited Parcel", code: "DOM.EP", price: "12.95", transitHours: 96 },
      { name: "Canada Post Xpresspost", code: "DOM.XP", price: "22.95", transitHours: 50 },
    ],
    hubs: [
      h("Mississauga", "ON", "CA", "L5T 2T1", 43.6532, -79.6997),
      h("Richmond", "BC", "CA", "V6X 1A1", 49.1666, -123.1336),
      h("Montréal", "QC", "CA", "H4T 1R4", 45.4924, -73.6967),
    ],
    trackingUrl: (n) => `https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=${n}`,
    trackingNumber: (rng) => s10Number(rng, rng.pick(["RR", "CP", "LM"]), "CA"),
  },
};

/** Which carriers serve a region, with their share of its parcels. */
export const CARRIER_MIX: Record<Region, readonly (readonly [CarrierName, number])[]> = {
  US: [
    ["USPS", 40],
    ["UPS", 35],
    ["FedEx", 25],
  ],
  CA: [
    ["Canada Post", 70],
    ["UPS", 30],
  ],
  GB: [["DHL Express", 100]],
  EU: [["DHL Express", 100]],
};

/** Shop locations: the warehouse ships, the store ships small items and hands out pickups. */
export const LOCATIONS = {
  warehouse: { id: 81234567890, name: "Somerville Warehouse" },
  store: { id: 81234567891, name: "Boston Store" },
} as const;
