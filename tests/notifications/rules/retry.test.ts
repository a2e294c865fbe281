// Which failed sends deserve a retry (network codes, Twilio's codes, HTTP statuses, provider words), and
// the one constant for Twilio's STOP code that classification, delivery reports and opt-outs share.
import { describe, expect, it } from "vitest";
import { twilioErrorText } from "~/notifications/rules/delivery-status";
import {
  classifyProviderError,
  MAX_SEND_ATTEMPTS,
  PROVIDER_RETRY,
  TWILIO_UNSUBSCRIBED,
} from "~/notifications/rules/retry";

describe("classifyProviderError", () => {
  it.each([
    [{ status: 429 }, "transient"],
    [{ status: 500 }, "transient"],
    [{ status: 502 }, "transient"],
    [{ status: 503, message: "Service Unavailable" }, "transient"],
    [{ status: 408 }, "transient"],
    [{ code: "ECONNRESET" }, "transient"],
    [{ code: "ETIMEDOUT" }, "transient"],
    [{ code: "EAI_AGAIN" }, "transient"],
    [{ code: "UND_ERR_SOCKET" }, "transient"],
    [{ message: "socket hang up" }, "transient"],
    [{ code: 20429, status: 429 }, "transient"],
    [{ code: 30001 }, "transient"],
    [{}, "transient"],
    // SendGrid
    [{ status: 400, message: "The to.email field does not contain a valid address." }, "permanent"],
    [{ status: 401, message: "The provided authorization grant is invalid, expired, or revoked" }, "permanent"],
    [{ status: 403, message: "The from address does not match a verified Sender Identity" }, "permanent"],
    [{ message: "Recipient is unsubscribed" }, "permanent"],
    [{ message: "Address is blocked" }, "permanent"],
    // Twilio
    [{ status: 400, code: 21211, message: "The 'To' number is not a valid phone number." }, "permanent"],
    [{ status: 400, code: 21610, message: "Attempt to send to unsubscribed recipient" }, "permanent"],
    [{ status: 400, code: 21614, message: "'To' number is not a valid mobile number" }, "permanent"],
    [{ status: 400, code: 21408 }, "permanent"],
    [{ code: 30003 }, "permanent"],
    [{ code: 30004 }, "permanent"],
    [{ code: 30005 }, "permanent"],
    [{ code: 30006 }, "permanent"],
    [{ code: 30007 }, "permanent"],
    [{ code: "21211" }, "permanent"],
    [{ status: 401, code: 20003 }, "permanent"],
  ] as const)("%j → %s", (error, kind) => {
    expect(classifyProviderError(error)).toBe(kind);
  });

  it("lets a known transient code win over a 4xx status", () => {
    expect(classifyProviderError({ status: 400, code: 30001 })).toBe("transient");
  });

  it("lets a network error code win over a misleading message", () => {
    expect(classifyProviderError({ code: "ECONNRESET", message: "invalid address" })).toBe("transient");
  });
});

describe("provider retry limits", () => {
  it("gives up after a bounded number of attempts, spread over hours", () => {
    expect(MAX_SEND_ATTEMPTS).toBe(8);
    expect([PROVIDER_RETRY.baseMs, PROVIDER_RETRY.capMs]).toEqual([30_000, 6 * 3_600_000]);
  });
});

describe("TWILIO_UNSUBSCRIBED", () => {
  it("is Twilio's 21610: permanent, and explained to support as the shopper's STOP", () => {
    expect(TWILIO_UNSUBSCRIBED).toBe(21610);
    expect(classifyProviderError({ code: TWILIO_UNSUBSCRIBED })).toBe("permanent");
    expect(twilioErrorText(String(TWILIO_UNSUBSCRIBED))).toBe(
      "Twilio 21610: the recipient replied STOP to this sender",
    );
  });
});
