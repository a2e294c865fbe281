import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  isTrackingCode,
  newTrackingCode,
  shortTrackingUrl,
  signTrackingToken,
  trackingCodeValid,
  TRACKING_LINK_TTL_MS,
  trackingUrl,
  verifyTrackingToken,
} from "~/storefront/tracking-links.server";

const now = new Date("2026-11-24T15:00:00Z");
const shop = { domain: "acme.myshopify.com", primaryDomain: "shop.acme.com" };

function tokenOf(url: string): string {
  const t = new URL(url).searchParams.get("token");
  expect(t).toBeTruthy();
  return t!;
}

describe("tracking links", () => {
  it("point at the app proxy on the store's primary domain, or its myshopify domain", () => {
    const url = new URL(trackingUrl(shop, "ord_1", now));
    expect(url.origin).toBe("https://shop.acme.com");
    expect(url.pathname).toBe("/apps/track");
    expect(new URL(trackingUrl({ domain: "acme.myshopify.com", primaryDomain: null }, "ord_1", now)).origin).toBe(
      "https://acme.myshopify.com",
    );
  });

  it("verify back to the shop domain and order id", () => {
    const token = tokenOf(trackingUrl(shop, "ord_1", now));
    expect(verifyTrackingToken(token, now)).toEqual({ shopDomain: "acme.myshopify.com", orderId: "ord_1" });
    const [payload] = token.split(".");
    expect(JSON.parse(Buffer.from(payload!, "base64url").toString("utf8"))).toEqual({
      s: "acme.myshopify.com",
      o: "ord_1",
      exp: Math.floor((now.getTime() + TRACKING_LINK_TTL_MS) / 1000),
    });
  });

  it("expire", () => {
    const token = signTrackingToken("acme.myshopify.com", "ord_1", now, { ttlMs: 60_000 });
    expect(verifyTrackingToken(token, new Date(now.getTime() + 59_000))).not.toBeNull();
    expect(verifyTrackingToken(token, new Date(now.getTime() + 60_000))).toBeNull();
  });

  it("reject a changed payload, a changed or truncated signature, and another secret", () => {
    const token = signTrackingToken("acme.myshopify.com", "ord_1", now);
    const [payload, mac] = token.split(".") as [string, string];
    const forged = Buffer.from(JSON.stringify({ s: "acme.myshopify.com", o: "ord_2", exp: 4_102_444_800 })).toString(
      "base64url",
    );
    expect(verifyTrackingToken(`${forged}.${mac}`, now)).toBeNull();
    const flipped = mac.slice(0, -1) + (mac.endsWith("A") ? "B" : "A");
    expect(verifyTrackingToken(`${payload}.${flipped}`, now)).toBeNull();
    expect(verifyTrackingToken(`${payload}.${mac.slice(0, 10)}`, now)).toBeNull();
    expect(verifyTrackingToken(token, now, { secret: "another-secret-of-enough-length" })).toBeNull();
    // A correctly signed token with a malformed payload is still refused.
    const secret = process.env.TRACKING_LINK_SECRET!;
    const bad = Buffer.from(JSON.stringify({ s: "acme.myshopify.com", o: 42, exp: 4_102_444_800 })).toString(
      "base64url",
    );
    const badMac = crypto.createHmac("sha256", secret).update(bad).digest().subarray(0, 16).toString("base64url");
    expect(verifyTrackingToken(`${bad}.${badMac}`, now)).toBeNull();
  });

  it("reject garbage", () => {
    for (const t of ["", "abc", "a.b.c", "%%%.%%%", ".", `${"a".repeat(2000)}.b`, null, undefined]) {
      expect(verifyTrackingToken(t, now)).toBeNull();
    }
  });
});

describe("short tracking codes for SMS", () => {
  it("are 10 alphanumeric characters, distinct, and make a link under 60 characters for a typical domain", () => {
    const codes = new Set(Array.from({ length: 2000 }, () => newTrackingCode()));
    expect(codes.size).toBe(2000);
    for (const c of codes) expect(isTrackingCode(c)).toBe(true);
    expect(isTrackingCode("short")).toBe(false);
    expect(isTrackingCode("0123456789!")).toBe(false);
    const url = shortTrackingUrl({ domain: "acme.myshopify.com", primaryDomain: "shop.acme.com" }, "Ab3dE9xQ2z");
    expect(url).toBe("https://shop.acme.com/apps/track?c=Ab3dE9xQ2z");
    expect(url.length).toBeLessThan(60);
  });

  it("are honoured for the link lifetime after the order was placed, not after", () => {
    const placed = new Date("2026-01-01T00:00:00Z");
    expect(trackingCodeValid(placed, new Date(placed.getTime() + TRACKING_LINK_TTL_MS - 1))).toBe(true);
    expect(trackingCodeValid(placed, new Date(placed.getTime() + TRACKING_LINK_TTL_MS))).toBe(false);
  });
});
