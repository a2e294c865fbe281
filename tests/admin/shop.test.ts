// requireShop: the admin's one door. Requests are signed by the library's test helpers and authenticated
// by the app's own shopify.server; the Admin API that the install hook's recordInstall asks for the shop's
// details is answered by a stub of fetch (installed before the library captures it).
import { RequestType, setUpValidRequest, setUpValidSession } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { requireShop as RequireShop } from "~/admin/shop.server";
import { freshDb, type TestDb } from "../support/db";

const adminApi = vi.hoisted(() => {
  const fetch = vi.fn(async (_input: unknown, _init?: unknown) =>
    Response.json({
      data: {
        shop: {
          name: "Fresh Shop",
          contactEmail: null,
          currencyCode: "EUR",
          ianaTimezone: "Europe/Paris",
          primaryDomain: { host: "fresh.example" },
        },
      },
    }),
  );
  globalThis.fetch = fetch as unknown as typeof globalThis.fetch;
  return fetch;
});

const KNOWN = "known-shop.myshopify.com";
const FRESH = "fresh-shop.myshopify.com";

let t: TestDb;
let requireShop: typeof RequireShop; // imported after DATABASE_URL is set

async function signed(shop: string): Promise<Request> {
  const auth = {
    store: shop.replace(".myshopify.com", ""),
    apiKey: process.env.SHOPIFY_API_KEY!,
    apiSecretKey: process.env.SHOPIFY_API_SECRET!,
  };
  return setUpValidRequest({ type: RequestType.Bearer, ...auth }, new Request("https://waypoint.test/app/settings"));
}

beforeAll(async () => {
  t = await freshDb("sqlite");
  process.env.DATABASE_URL = t.url; // read when app/db.server first builds its client (sessions live there too)
  const { sessionStorage } = await import("~/shopify.server");
  for (const shop of [KNOWN, FRESH]) await sessionStorage.storeSession(setUpValidSession({ shop, expires: undefined }));
  ({ requireShop } = await import("~/admin/shop.server"));
});
beforeEach(() => adminApi.mockClear());
afterAll(async () => {
  const { default: db } = await import("~/db.server");
  await db.$disconnect();
  await t.drop();
});

describe("requireShop", () => {
  it("returns the signed-in shop's row without its credentials, and the staff who acts", async () => {
    const row = await t.db.shop.create({
      data: { domain: KNOWN, name: "Known", timezone: "America/Chicago", locale: "fr", sendgridApiKeyEnc: "v1:secret" },
    });
    const ctx = await requireShop(await signed(KNOWN));
    expect(ctx.shop).toEqual({
      id: row.id,
      domain: KNOWN,
      name: "Known",
      currency: "USD",
      timezone: "America/Chicago",
      locale: "fr",
    });
    expect(ctx.session.shop).toBe(KNOWN);
    expect(ctx.staff).toBe("staff"); // an offline session has no staff member
    expect(adminApi).not.toHaveBeenCalled();
  });

  it("records a signed-in shop whose row is missing, with its details from the Admin API, once", async () => {
    expect(await t.db.shop.count({ where: { domain: FRESH } })).toBe(0);
    const first = await requireShop(await signed(FRESH));
    expect(first.shop).toMatchObject({ domain: FRESH, name: "Fresh Shop", currency: "EUR", timezone: "Europe/Paris" });
    expect(adminApi).toHaveBeenCalledTimes(1);
    expect(String(adminApi.mock.calls[0]![0])).toMatch(
      /^https:\/\/fresh-shop\.myshopify\.com\/admin\/api\/.+\/graphql\.json$/,
    );
    expect(await t.db.shop.findUniqueOrThrow({ where: { domain: FRESH } })).toMatchObject({
      status: "active",
      primaryDomain: "fresh.example",
    });

    const again = await requireShop(await signed(FRESH));
    expect(again.shop.id).toBe(first.shop.id);
    expect(adminApi).toHaveBeenCalledTimes(1);
  });

  it("lets the library's refusal through for a request without a session token, and records nothing", async () => {
    let thrown: unknown;
    try {
      await requireShop(
        new Request("https://waypoint.test/app/settings", { headers: { Authorization: "Bearer not-a-token" } }),
      );
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Response);
    expect([302, 401]).toContain((thrown as Response).status);
    expect(adminApi).not.toHaveBeenCalled();
    expect(await t.db.shop.count()).toBe(2);
  });

  it("explains itself to a request from a script or a link preview (the library's bare 410)", async () => {
    let thrown: unknown;
    try {
      await requireShop(new Request("https://waypoint.test/app", { headers: { "User-Agent": "curl/8.5.0" } }));
    } catch (e) {
      thrown = e;
    }
    const res = thrown as Response;
    expect(res.status).toBe(410);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await res.text()).toMatch(/inside Shopify admin/);
    expect(adminApi).not.toHaveBeenCalled();
  });
});
