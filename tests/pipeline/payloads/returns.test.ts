import { describe, expect, it } from "vitest";
import { factsFromReturn, parseReturn } from "../../../app/pipeline/payloads/returns";
import { type ReturnTopic } from "../../../app/pipeline/payloads/topics";
import { IDS, loadFixture, returnPayload } from "../../../scripts/simulator/payloads";
import { payloadError } from "./helpers";

describe("returns", () => {
  const triggered = new Date("2026-11-23T16:02:00.482Z");

  it("reads a request with its line items; the time is X-Shopify-Triggered-At", () => {
    const rec = parseReturn(loadFixture("returns-request.1001-R1"), "returns/request", triggered);
    expect(rec).toEqual({
      shopifyReturnId: IDS.return1001R1,
      orderShopifyId: IDS.order1001,
      name: "#1001-R1",
      status: "requested",
      declineReason: null,
      declineNote: null,
      lineItems: [
        {
          id: "6200524949",
          fulfillmentLineItemId: "12345678901234",
          lineItemId: IDS.lineItemBackpack,
          quantity: 1,
          reason: "unwanted",
          reasonNote: null,
          customerNote: "Ordered two by mistake — only need one.",
        },
      ],
      at: triggered,
      topic: "returns/request",
    });
    expect(factsFromReturn(rec)).toEqual([
      {
        key: `r:${IDS.return1001R1}:return_requested`,
        source: "return",
        status: "return_requested",
        at: triggered,
        message: null,
      },
    ]);
  });

  it("reads a decline, which names no order", () => {
    const rec = parseReturn(loadFixture("returns-decline.1001-R2"), "returns/decline", triggered);
    expect(rec.orderShopifyId).toBeNull();
    expect(rec.declineReason).toBe("final_sale");
    expect(rec.declineNote).toMatch(/can't be returned once used/);
    expect(factsFromReturn(rec)[0]).toMatchObject({
      key: `r:${IDS.return1001R2}:return_declined`,
      status: "return_declined",
      message: rec.declineNote,
    });
  });

  it.each([
    ["returns/approve", IDS.return1001R1, IDS.order1001, "open", "return_approved"],
    ["returns/cancel", IDS.return1002R1, IDS.order1002, "canceled", "return_cancelled"],
    ["returns/close", IDS.return1001R1, IDS.order1001, "closed", "return_closed"],
  ] as const)("reads %s", (topic, returnId, orderId, status, factStatus) => {
    const rec = parseReturn(returnPayload(topic), topic, triggered);
    expect([rec.shopifyReturnId, rec.orderShopifyId, rec.status]).toEqual([returnId, orderId, status]);
    expect(factsFromReturn(rec).map((f) => [f.key, f.status])).toEqual([[`r:${returnId}:${factStatus}`, factStatus]]);
  });

  it("prefers a time the payload carries itself", () => {
    const rec = parseReturn(
      returnPayload("returns/close", { updated_at: "2026-11-28T10:05:35-05:00" }),
      "returns/close",
      triggered,
    );
    expect(rec.at.toISOString()).toBe("2026-11-28T15:05:35.000Z");
  });

  it("refuses a return with no time at all, and a topic that is not a return", () => {
    expect(payloadError(() => parseReturn(returnPayload("returns/close"), "returns/close", null)).message).toMatch(
      /returns\/close payload: body carries no time/,
    );
    expect(
      payloadError(() => parseReturn(returnPayload("returns/close"), "returns/update" as ReturnTopic, triggered)).field,
    ).toBe("topic");
  });

  it("keeps the same key for the same return and topic", () => {
    const key = (topic: ReturnTopic) => factsFromReturn(parseReturn(returnPayload(topic), topic, triggered))[0]?.key;
    expect(key("returns/approve")).toBe(key("returns/approve"));
    expect(key("returns/approve")).not.toBe(key("returns/request"));
  });

  it("names the missing or wrong field", () => {
    expect(
      payloadError(() =>
        parseReturn(returnPayload("returns/request", { id: undefined }), "returns/request", new Date()),
      ).message,
    ).toBe("returns/request payload: id is missing");
    expect(
      payloadError(() =>
        parseReturn(
          returnPayload("returns/request", { return_line_items: [{ id: 1, quantity: "1" }] }),
          "returns/request",
          new Date(),
        ),
      ).field,
    ).toBe("return_line_items[0].quantity");
  });
});
