import { describe, expect, it } from "vitest";
import { factFromReverseDelivery, parseReverseDelivery } from "../../../app/pipeline/payloads/reverse-deliveries";
import {
  IDS,
  TRACKING,
  fixtureTriggeredAt,
  loadFixture,
  reverseDeliveryPayload,
} from "../../../scripts/simulator/payloads";
import { payloadError } from "./helpers";

describe("reverse deliveries", () => {
  const triggered = fixtureTriggeredAt("reverse_deliveries-attach_deliverable.1001-R1");

  it("reads the return label: carrier, tracking, label URL, label time", () => {
    const rec = parseReverseDelivery(loadFixture("reverse_deliveries-attach_deliverable.1001-R1"), triggered);
    expect(rec).toMatchObject({
      reverseDeliveryId: IDS.reverseDelivery1001R1,
      returnShopifyId: IDS.return1001R1,
      orderShopifyId: null,
      carrier: "UPS",
      trackingNumber: TRACKING.returnUps,
      at: new Date("2026-11-23T20:41:12.000Z"),
    });
    expect(rec.labelUrl).toMatch(/^https:\/\/cdn\.shopify\.com\/.+return-label-1001-R1\.pdf/);
    expect(factFromReverseDelivery(rec)).toEqual({
      key: `rd:${IDS.reverseDelivery1001R1}:${TRACKING.returnUps}`,
      source: "reverse_delivery",
      status: "return_label_created",
      at: rec.at,
      message: `UPS ${TRACKING.returnUps}`,
    });
  });

  it("falls back to the trigger time when the label has none (Shopify's example has created_at: null)", () => {
    const rec = parseReverseDelivery(
      reverseDeliveryPayload({ shipping_deliverable: { label: { created_at: null, public_file_url: null } } }),
      triggered,
    );
    expect(rec.at).toEqual(triggered);
    expect(rec.labelUrl).toBeNull();
  });

  it("names the missing field", () => {
    expect(
      payloadError(() => parseReverseDelivery(reverseDeliveryPayload({ return: undefined }), new Date())).message,
    ).toBe("reverse_deliveries/attach_deliverable payload: return is missing");
  });
});
