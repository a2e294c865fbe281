// A synthetic shop's delivery history for the held-out evaluation of delivery windows (issue 19):
// seeded, deterministic, and built to contain what broke the old model: long-haul and cross-border
// lanes, lanes that open mid-way (a new carrier, a new state, a new country), a peak season with
// slower transit, more orders and public holidays, and one carrier that slows down in one region.
// The generator works on real calendars (US public holidays from date-holidays, the shop's zone,
// weekends) but not exactly the model's: one carrier also moves parcels on Saturdays, which the
// model's calendar does not know. Relative imports: the bench runs this under tsx.
import { type BusinessCalendar, addBusinessHours, buildCalendar } from "../../../app/intelligence/rules/business-hours";
import { publicHolidays } from "../../../app/lib/holidays";
import { DAY_MS, HOUR_MS } from "../../../app/lib/time";
import { type Rng, lognormal, mulberry32, pick } from "./synthetic";

export const WORLD_ZONE = "America/New_York";
export const WORLD_ORIGIN = "US";
/** The merchant's own closure days (known to the model through settings). */
export const WORLD_CLOSURES = ["2025-12-24", "2025-12-31"];

export interface RegionSpec {
  region: string;
  /** Median transit in business hours on the reference carrier. */
  median: number;
  weight: number;
  /** Day index the shop starts shipping there (0: from the start). */
  opensDay?: number;
}

export const REGIONS: readonly RegionSpec[] = [
  { region: "US-NY", median: 28, weight: 14 },
  { region: "US-PA", median: 34, weight: 10 },
  { region: "US-MA", median: 36, weight: 8 },
  { region: "US-OH", median: 46, weight: 9 },
  { region: "US-IL", median: 60, weight: 8 },
  { region: "US-GA", median: 58, weight: 8 },
  { region: "US-TX", median: 84, weight: 10 },
  { region: "US-CO", median: 96, weight: 5, opensDay: 80 },
  { region: "US-CA", median: 112, weight: 12 },
  { region: "US-WA", median: 110, weight: 5 },
  { region: "US-AK", median: 190, weight: 2 },
  { region: "US-HI", median: 170, weight: 2 },
  { region: "CA-ON", median: 150, weight: 3 },
  { region: "GB", median: 220, weight: 3, opensDay: 120 },
];

export interface CarrierSpec {
  carrier: string;
  service: string;
  factor: number;
  sigma: number;
  /** ISO weekdays it does not move parcels on. */
  weekend: number[];
  opensDay?: number;
  domestic: boolean;
}

export const CARRIERS: readonly CarrierSpec[] = [
  { carrier: "ups", service: "ground", factor: 1, sigma: 0.28, weekend: [6, 7], domestic: true },
  { carrier: "usps", service: "priority", factor: 1.12, sigma: 0.38, weekend: [7], domestic: true },
  { carrier: "fedex", service: "home", factor: 0.92, sigma: 0.24, weekend: [6, 7], opensDay: 60, domestic: true },
  { carrier: "dhl", service: "express", factor: 1, sigma: 0.3, weekend: [6, 7], domestic: false },
];

/** UPS to Texas slows to this factor from SLOWDOWN_DAY on (a carrier in trouble in one region). */
export const SLOWDOWN = { carrier: "ups", region: "US-TX", factor: 1.7, day: 100 };

export const WORLD_START = new Date("2025-07-01T04:00:00Z"); // midnight in New York
export const WORLD_DAYS = 215; // to the end of January 2026

export interface WorldOrder {
  id: number;
  day: number;
  orderPlacedAt: Date;
  fulfilledAt: Date;
  deliveredAt: Date;
  region: string;
  country: string;
  carrier: string;
  service: string;
}

/** Peak-season transit and processing factors and order volume, by the order's date. */
export function season(at: Date): { transit: number; processing: number; volume: number } {
  const md = at.toISOString().slice(5, 10);
  if (md >= "11-24" && md <= "12-07") return { transit: 1.25, processing: 1.6, volume: 2.2 }; // Black Friday weeks
  if (md >= "12-08" && md <= "12-31") return { transit: 1.45, processing: 1.4, volume: 1.8 }; // December
  return { transit: 1, processing: 1, volume: 1 };
}

export function worldCalendarSpec(weekend: number[] = [6, 7], closures = true) {
  return {
    timeZone: WORLD_ZONE,
    daysOff: [...publicHolidays(WORLD_ORIGIN, 2025, 2026), ...(closures ? WORLD_CLOSURES : [])],
    weekend,
  };
}

/** The shop's calendar, as the model sees it (weekends, US public holidays, closure days). */
export function worldCalendar(): BusinessCalendar {
  return buildCalendar(worldCalendarSpec(), WORLD_START, new Date(WORLD_START.getTime() + WORLD_DAYS * DAY_MS));
}

/** Orders of one seeded world, in order-time order. */
export function generateWorld(seed: number, ordersPerDay: number): WorldOrder[] {
  const rng: Rng = mulberry32(seed);
  const end = new Date(WORLD_START.getTime() + WORLD_DAYS * DAY_MS);
  const shop = worldCalendar();
  // Carriers ignore the merchant's closures; USPS moves on Saturdays.
  const carrierCal = new Map(
    CARRIERS.map((c) => [c.carrier, buildCalendar(worldCalendarSpec(c.weekend, false), WORLD_START, end)]),
  );
  const out: WorldOrder[] = [];
  for (let day = 0; day < WORLD_DAYS; day++) {
    const dayStart = WORLD_START.getTime() + day * DAY_MS;
    const s = season(new Date(dayStart));
    const open = REGIONS.filter((r) => (r.opensDay ?? 0) <= day);
    const totalWeight = open.reduce((a, r) => a + r.weight, 0);
    const n = Math.round(ordersPerDay * s.volume * (0.8 + 0.4 * rng()));
    for (let i = 0; i < n; i++) {
      // More orders in the evening than at night: a simple daily shape.
      const hour = Math.min(23.99, Math.max(0, 8 + 14 * rng() + 3 * (rng() - 0.5)));
      const orderPlacedAt = new Date(dayStart + hour * HOUR_MS + rng() * 60_000);
      let w = rng() * totalWeight;
      const dest = open.find((r) => (w -= r.weight) < 0) ?? open[open.length - 1]!;
      const country = dest.region.slice(0, 2);
      const domestic = country === WORLD_ORIGIN;
      const carriers = CARRIERS.filter((c) => c.domestic === domestic && (c.opensDay ?? 0) <= day);
      const carrier = pick(rng, carriers);
      const processing = lognormal(rng, 16 * s.processing, 0.6);
      const fulfilledAt = addBusinessHours(shop, orderPlacedAt, processing);
      const slowed =
        carrier.carrier === SLOWDOWN.carrier && dest.region === SLOWDOWN.region && day >= SLOWDOWN.day
          ? SLOWDOWN.factor
          : 1;
      const transit = lognormal(rng, dest.median * carrier.factor * s.transit * slowed, carrier.sigma);
      const deliveredAt = addBusinessHours(carrierCal.get(carrier.carrier)!, fulfilledAt, transit);
      out.push({
        id: out.length,
        day,
        orderPlacedAt,
        fulfilledAt,
        deliveredAt,
        region: dest.region,
        country,
        carrier: carrier.carrier,
        service: carrier.service,
      });
    }
  }
  return out;
}
