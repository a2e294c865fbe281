import { describe, expect, it } from "vitest";
import { factsFromFulfillment, parseFulfillment } from "../../../app/pipeline/payloads/fulfillments";
import { factFromFulfillmentEvent, parseFulfillmentEvent } from "../../../app/pipeline/payloads/fulfillment-events";
import { parseShopifyTime } from "../../../app/pipeline/payloads/fields";
import { parseOrder } from "../../../app/pipeline/payloads/orders";
import { factFromRefund, parseRefund } from "../../../app/pipeline/payloads/refunds";
import { factsFromReturn, parseReturn } from "../../../app/pipeline/payloads/returns";
import { factFromReverseDelivery, parseReverseDelivery } from "../../../app/pipeline/payloads/reverse-deliveries";
import { SUPPORTED_TOPICS } from "../../../app/pipeline/payloads/topics";
import { parseWebhookJson, parseWebhookPayload } from "../../../app/pipeline/payloads/webhook";
import {
  FIXTURES,
  FIXTURE_NAMES,
  SHOP_DOMAIN,
  fixtureText,
  fixtureTriggeredAt,
  loadFixture,
  orderPayload,
  returnPayload,
} from "../../../scripts/simulator/payloads";
import { webhookHmac } from "~/lib/shopify-signing.server";
import { payloadError } from "./helpers";

describe("fixtures", () => {
  it("cover every topic Waypoint subscribes to", () => {
    const covered = new Set(FIXTURE_NAMES.map((n) => FIXTURES[n].topic));
    expect([...SUPPORTED_TOPICS].filter((t) => !covered.has(t))).toEqual([]);
  });

  it.each(FIXTURE_NAMES)("%s parses by its topic, from text and from JSON", (name) => {
    const { topic } = FIXTURES[name];
    const triggeredAt = fixtureTriggeredAt(name);
    const fromText = parseWebhookPayload(topic, fixtureText(name), triggeredAt);
    const fromJson = parseWebhookPayload(topic, loadFixture(name), triggeredAt);
    expect(fromText.topic).toBe(topic);
    expect(fromJson).toEqual(fromText);
  });

  it("all belong to the demo shop and use offset times", () => {
    for (const name of FIXTURE_NAMES) {
      const text = fixtureText(name);
      for (const m of text.matchAll(/"(\w+_at)": "([^"]+)"/g)) {
        expect(parseShopifyTime(m[2] ?? ""), `${name} ${m[1]}`).not.toBeNull();
      }
      const domains = [...text.matchAll(/([a-z0-9-]+\.myshopify\.com)/g)].map((m) => m[1]);
      expect(
        domains.every((d) => d === SHOP_DOMAIN),
        name,
      ).toBe(true);
    }
  });

  it("builders keep the gid in step with an overridden id", () => {
    const body = orderPayload({ id: 777, customer: { id: 888 } });
    expect(body["admin_graphql_api_id"]).toBe("gid://shopify/Order/777");
    expect(parseOrder(body).customerShopifyId).toBe("888");
  });
});

describe("raw bodies and dispatch", () => {
  it("refuses text that is not JSON, and unknown topics", () => {
    expect(payloadError(() => parseWebhookJson('{"id": 1,', "orders/create")).message).toMatch(
      /^orders\/create payload: body is not valid JSON/,
    );
    expect(payloadError(() => parseWebhookPayload("orders/create", "<html>502</html>")).field).toBe("body");
    expect(payloadError(() => parseWebhookPayload("products/update", {})).field).toBe("topic");
  });

  it("parseWebhookJson keeps big integers exact and leaves everything else alone", () => {
    const parsed = parseWebhookJson(
      '{"id":820982911946154508,"n":-12,"x":1.5e3,"s":"820982911946154508 \\"q\\"","a":[9007199254740993]}',
    );
    expect(parsed).toEqual({
      id: "820982911946154508",
      n: -12,
      x: 1500,
      s: '820982911946154508 "q"',
      a: ["9007199254740993"],
    });
  });

  it("the simulator signs bodies the way Shopify does", () => {
    // base64(HMAC-SHA256("hush", "{}")), computed with `openssl dgst -sha256 -hmac hush -binary | base64`
    expect(webhookHmac("{}", "hush")).toBe("UFwgrGBPZilFtmKh8TqcovA78LGYb1BdWu9I4Q2oyRg=");
  });
});

describe("fact keys across the story are unique", () => {
  it("no two different facts share a key", () => {
    const facts = [
      ...parseOrder(loadFixture("orders-fulfilled.1001")).fulfillments.flatMap(factsFromFulfillment),
      ...factsFromFulfillment(parseFulfillment(loadFixture("fulfillments-update.1001.1-ups-delivered"))),
      factFromFulfillmentEvent(parseFulfillmentEvent(loadFixture("fulfillment_events-create.1001.1-in_transit"))),
      factFromFulfillmentEvent(parseFulfillmentEvent(loadFixture("fulfillment_events-create.1001.1-delivered"))),
      ...(["returns/request", "returns/approve", "returns/close"] as const).flatMap((t) =>
        factsFromReturn(parseReturn(returnPayload(t), t, new Date())),
      ),
      factFromReverseDelivery(parseReverseDelivery(loadFixture("reverse_deliveries-attach_deliverable.1001-R1"), null)),
      factFromRefund(parseRefund(loadFixture("refunds-create.1001-R1"))),
    ];
    const byKey = new Map<string, string>();
    for (const f of facts) {
      const content = JSON.stringify({ ...f, at: f.at.toISOString() });
      const seen = byKey.get(f.key);
      if (seen !== undefined) expect(seen, f.key).toBe(content);
      byKey.set(f.key, content);
    }
    expect(byKey.size).toBe(facts.length - 1); // the UPS created fact appears twice, identically
  });
});
