// The real @sendgrid/mail + @sendgrid/client against a local SendGrid: exact requests, and how every
// kind of answer becomes a ProviderError (or a lookup result after a crash).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ProviderError, type EmailMessage } from "~/notifications/providers/provider";
import {
  NOTIFICATION_ARG,
  SENDGRID_ACTIVITY_LAG_MS,
  SendGridProvider,
  SHOP_ARG,
} from "~/notifications/providers/sendgrid.server";
import { type FakeSendGrid, mailSendRequests, startFakeSendGrid } from "../../support/fake-sendgrid";

let sg: FakeSendGrid;
beforeAll(async () => {
  sg = await startFakeSendGrid();
});
afterAll(async () => sg.close());
beforeEach(() => sg.reset());

const message: EmailMessage = {
  notificationId: "ntf_123",
  to: "alex@example.com",
  from: { email: "shop@example.com", name: "Acme Outfitters" },
  replyTo: "help@example.com",
  subject: "Your order #1001 is on its way",
  text: "Plain text body",
  html: "<p>HTML body</p>",
  categories: ["waypoint", "shipped"],
};

function provider(): SendGridProvider {
  return new SendGridProvider({ apiKey: sg.apiKey, baseUrl: sg.url });
}

async function sendError(p: SendGridProvider, m: EmailMessage = message): Promise<ProviderError> {
  const error = await p.sendEmail(m).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe("SendGridProvider.sendEmail", () => {
  it("posts the exact v3 mail send request and returns X-Message-Id", async () => {
    const result = await provider().sendEmail(message);
    expect(result).toEqual({ providerMessageId: "fakeSG1" });
    const [req] = mailSendRequests(sg);
    expect(req).toBeDefined();
    expect(req!.path).toBe("/v3/mail/send");
    expect(req!.headers.authorization).toBe(`Bearer ${sg.apiKey}`);
    expect(req!.headers["content-type"]).toMatch(/^application\/json/);
    const body = JSON.parse(req!.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      personalizations: [{ to: [{ email: "alex@example.com" }] }],
      from: { email: "shop@example.com", name: "Acme Outfitters" },
      reply_to: { email: "help@example.com" },
      subject: "Your order #1001 is on its way",
      content: [
        { type: "text/plain", value: "Plain text body" },
        { type: "text/html", value: "<p>HTML body</p>" },
      ],
      categories: ["waypoint", "shipped"],
      custom_args: { [NOTIFICATION_ARG]: "ntf_123" },
    });
    expect(sg.problems).toEqual([]);
  });

  it("custom_args carry the notification id and the shop, for matching the Event Webhook's events", async () => {
    await provider().sendEmail({ ...message, shopDomain: "acme.myshopify.com" });
    const body = JSON.parse(mailSendRequests(sg)[0]!.body) as { custom_args?: Record<string, string> };
    expect(body.custom_args).toEqual({ [NOTIFICATION_ARG]: "ntf_123", [SHOP_ARG]: "acme.myshopify.com" });
    expect(sg.problems).toEqual([]);
  });

  it("429 and 500 are transient, answered (not ambiguous)", async () => {
    sg.script({ status: 429, body: { errors: [{ message: "too many requests" }] } }, { status: 500 });
    const a = await sendError(provider());
    expect([a.status, a.kind, a.ambiguous]).toEqual([429, "transient", false]);
    const b = await sendError(provider());
    expect([b.status, b.kind, b.ambiguous]).toEqual([500, "transient", false]);
    expect(sg.mails).toHaveLength(0);
  });

  it("a rejected address is permanent and carries SendGrid's reason", async () => {
    sg.script({
      status: 400,
      body: { errors: [{ field: "personalizations.0.to.0.email", message: "Does not contain a valid address." }] },
    });
    const e = await sendError(provider());
    expect(e.kind).toBe("permanent");
    expect(e.status).toBe(400);
    expect(e.message).toContain("personalizations.0.to.0.email: Does not contain a valid address.");
  });

  it("a wrong API key is a configuration error", async () => {
    const e = await sendError(new SendGridProvider({ apiKey: "SG.wrong", baseUrl: sg.url }));
    expect([e.status, e.kind]).toEqual([401, "config"]);
  });

  it("a refused connection is transient and certainly not sent; a reset one is ambiguous", async () => {
    const closed = await startFakeSendGrid();
    const url = closed.url;
    await closed.close();
    const refused = await sendError(new SendGridProvider({ apiKey: sg.apiKey, baseUrl: url }));
    expect([refused.kind, refused.code, refused.ambiguous]).toEqual(["transient", "ECONNREFUSED", false]);

    sg.script({ reset: true });
    const reset = await sendError(provider());
    expect(reset.kind).toBe("transient");
    expect(reset.ambiguous).toBe(true);
  });
});

describe("SendGridProvider.findSentEmail (after a crash)", () => {
  const since = new Date("2026-11-24T15:00:00Z");

  it("finds an accepted message by its notification id in Email Activity", async () => {
    await provider().sendEmail(message);
    const r = await provider().findSentEmail(message, since, new Date(since.getTime() + 60_000));
    expect(r).toEqual({ state: "found", providerMessageId: "fakeSG1.filter0001.1.0" });
    const lookup = sg.requests.find((x) => x.method === "GET");
    expect(lookup?.path).toBe("/v3/messages");
    expect(lookup?.query.get("query")).toBe(`unique_args['${NOTIFICATION_ARG}']="ntf_123"`);
    expect(lookup?.headers.authorization).toBe(`Bearer ${sg.apiKey}`);
  });

  it("not found means 'not yet' while Email Activity may lag, then 'absent'", async () => {
    const early = await provider().findSentEmail(message, since, new Date(since.getTime() + 60_000));
    expect(early).toEqual({ state: "not_yet", recheckAt: new Date(since.getTime() + SENDGRID_ACTIVITY_LAG_MS) });
    const late = await provider().findSentEmail(
      message,
      since,
      new Date(since.getTime() + SENDGRID_ACTIVITY_LAG_MS + 1),
    );
    expect(late).toEqual({ state: "absent" });
  });

  it("without the Email Activity add-on the answer is 'unknown'", async () => {
    sg.activity = "forbidden";
    const r = await provider().findSentEmail(message, since, new Date(since.getTime() + 3_600_000));
    expect(r.state).toBe("unknown");
  });
});
