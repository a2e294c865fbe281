// The real `twilio` client (through the base-URL RequestClient) against a local Twilio: exact requests,
// error classification, and the lookup used to reconcile an interrupted send.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ProviderError, type SmsMessage } from "~/notifications/providers/provider";
import { providersForShop } from "~/notifications/providers/index.server";
import { TwilioProvider } from "~/notifications/providers/twilio.server";
import { type FakeTwilio, fakeSid, messageCreateRequests, startFakeTwilio } from "../../support/fake-twilio";

let tw: FakeTwilio;
let clock = new Date("2026-11-24T15:00:00Z");
beforeAll(async () => {
  tw = await startFakeTwilio({ now: () => clock });
});
afterAll(async () => tw.close());
beforeEach(() => {
  tw.reset();
  clock = new Date("2026-11-24T15:00:00Z");
});

const FROM = "+15005550006";
const message: SmsMessage = {
  notificationId: "ntf_1",
  to: "+14155552671",
  from: FROM,
  body: "Acme: your order #1001 has shipped! Track it: https://acme.example/apps/track?token=abc",
};

function provider(extra: Partial<ConstructorParameters<typeof TwilioProvider>[0]> = {}): TwilioProvider {
  return new TwilioProvider({
    accountSid: tw.accountSid,
    authToken: tw.authToken,
    from: FROM,
    baseUrl: tw.url,
    ...extra,
  });
}

async function sendError(p: TwilioProvider): Promise<ProviderError> {
  const error = await p.sendSms(message).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe("TwilioProvider.sendSms", () => {
  it("posts the exact Messages request with Basic auth and returns the SID and segments", async () => {
    const result = await provider({ statusCallback: "https://waypoint.test/webhooks/twilio/status" }).sendSms(message);
    const [req] = messageCreateRequests(tw);
    expect(req!.path).toBe(`/2010-04-01/Accounts/${tw.accountSid}/Messages.json`);
    expect(req!.headers.authorization).toBe(
      `Basic ${Buffer.from(`${tw.accountSid}:${tw.authToken}`).toString("base64")}`,
    );
    expect(req!.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(req!.form)).toEqual({
      To: "+14155552671",
      From: FROM,
      Body: message.body,
      StatusCallback: "https://waypoint.test/webhooks/twilio/status",
    });
    expect(result.providerMessageId).toBe(tw.messages[0]!.sid);
    expect(result.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
    expect(result.segments).toBe(1);
    expect(tw.problems).toEqual([]);
  });

  it("the app's and a shop's own account both ask for status callbacks at the app's public URL", async () => {
    const shop = {
      id: "shop_1",
      domain: "acme.myshopify.com",
      name: "Acme",
      contactEmail: null,
      senderName: null,
      senderEmail: null,
      replyToEmail: null,
      sendgridApiKeyEnc: null,
      twilioAccountSidEnc: null,
      twilioAuthTokenEnc: null,
      twilioFromNumber: null,
    };
    const config = {
      twilioAccountSid: tw.accountSid,
      twilioAuthToken: tw.authToken,
      twilioFrom: FROM,
      twilioBaseUrl: tw.url,
      appUrl: "https://waypoint.test",
    };
    const p = providersForShop({} as never, shop, config);
    expect(p.smsSource).toBe("app");
    await p.sms.sendSms({ ...message, from: p.smsFrom });
    expect(messageCreateRequests(tw)[0]!.form.get("StatusCallback")).toBe(
      "https://waypoint.test/webhooks/twilio/status",
    );
    // Without a public URL (a script, a test) no callback is requested.
    await providersForShop({} as never, shop, { ...config, appUrl: null }).sms.sendSms({ ...message, from: FROM });
    expect(messageCreateRequests(tw)[1]!.form.has("StatusCallback")).toBe(false);
  });

  it("a messaging service SID is sent as MessagingServiceSid", async () => {
    const service = fakeSid("MG");
    await provider({ from: service }).sendSms({ ...message, from: service });
    const form = Object.fromEntries(messageCreateRequests(tw)[0]!.form);
    expect(form.MessagingServiceSid).toBe(service);
    expect(form.From).toBeUndefined();
  });

  it("classifies Twilio's answers: 429 and 500 transient, invalid or unsubscribed numbers permanent, bad credentials config", async () => {
    tw.script(
      { status: 429, code: 20429, message: "Too Many Requests" },
      { status: 500, code: 20500, message: "Internal Server Error" },
      { status: 400, code: 21211, message: "The 'To' number is not a valid phone number." },
      { status: 400, code: 21610, message: "Attempt to send to unsubscribed recipient" },
    );
    const e429 = await sendError(provider());
    expect([e429.status, e429.code, e429.kind, e429.ambiguous]).toEqual([429, 20429, "transient", false]);
    const e500 = await sendError(provider());
    expect([e500.status, e500.kind]).toEqual([500, "transient"]);
    const invalid = await sendError(provider());
    expect([invalid.code, invalid.kind]).toEqual([21211, "permanent"]);
    const unsubscribed = await sendError(provider());
    expect([unsubscribed.code, unsubscribed.kind]).toEqual([21610, "permanent"]);
    const auth = await sendError(
      new TwilioProvider({ accountSid: tw.accountSid, authToken: "wrong-token", from: FROM, baseUrl: tw.url }),
    );
    expect([auth.status, auth.code, auth.kind]).toEqual([401, 20003, "config"]);
    expect(tw.messages).toHaveLength(0);
  });

  it("a reset connection is ambiguous (the message may exist)", async () => {
    tw.script({ reset: true });
    const e = await sendError(provider());
    expect(e.kind).toBe("transient");
    expect(e.ambiguous).toBe(true);
  });
});

describe("TwilioProvider.findSentSms (after a crash)", () => {
  it("finds the message with the same body sent to the number since the attempt began", async () => {
    const since = new Date(clock);
    const sent = await provider().sendSms(message);
    const found = await provider().findSentSms(message, since, new Date(since.getTime() + 180_000));
    expect(found).toEqual({ state: "found", providerMessageId: sent.providerMessageId });
    const lookup = tw.requests.find((r) => r.method === "GET")!;
    expect(lookup.path).toBe(`/2010-04-01/Accounts/${tw.accountSid}/Messages.json`);
    expect(lookup.query.get("To")).toBe(message.to);
    expect(lookup.query.get("From")).toBe(FROM);
  });

  it("absent when no such message exists (other bodies, older messages)", async () => {
    await provider().sendSms({ ...message, body: "Another message" });
    clock = new Date(clock.getTime() - 3_600_000);
    await provider().sendSms(message); // an hour before the attempt: not this attempt's
    const since = new Date("2026-11-24T15:00:00Z");
    expect(await provider().findSentSms(message, since, new Date(since.getTime() + 180_000))).toEqual({
      state: "absent",
    });
  });
});
