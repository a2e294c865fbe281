import { describe, expect, it } from "vitest";
import { factFromRefund, parseRefund } from "../../../app/pipeline/payloads/refunds";
import { IDS, loadFixture, refundPayload } from "../../../scripts/simulator/payloads";
import { payloadError } from "./helpers";

describe("refunds", () => {
  it("reads #1001-R1's refund and its fact", () => {
    const rec = parseRefund(loadFixture("refunds-create.1001-R1"));
    expect(rec).toEqual({
      shopifyId: IDS.refund1001R1,
      orderShopifyId: IDS.order1001,
      returnShopifyId: IDS.return1001R1,
      amountCents: 13706,
      currency: "USD",
      createdAt: new Date("2026-11-28T15:05:33.000Z"),
    });
    expect(factFromRefund(rec)).toEqual({
      key: `rf:${IDS.refund1001R1}`,
      source: "refund",
      status: "refund_issued",
      at: rec.createdAt,
    });
  });

  it("sums refund transactions that did not fail, and takes the currency from the lines when transactions have none", () => {
    const tx = (amount: string, status: string, kind = "refund") => ({ amount, status, kind, currency: null });
    const rec = parseRefund(
      refundPayload({
        return: null,
        transactions: [
          tx("10.00", "success"),
          tx("5.50", "pending"),
          tx("99.99", "failure"),
          tx("1.00", "success", "sale"),
        ],
      }),
    );
    expect(rec.amountCents).toBe(1550);
    expect(rec.currency).toBe("USD");
    expect(rec.returnShopifyId).toBeNull();
  });

  it("names the missing or wrong field", () => {
    expect(payloadError(() => parseRefund(refundPayload({ created_at: undefined }))).message).toBe(
      "refunds/create payload: created_at is missing",
    );
    expect(payloadError(() => parseRefund(refundPayload({ order_id: "gid://nope" }))).field).toBe("order_id");
  });
});
