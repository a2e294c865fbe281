// The logger's redaction holds for errors and for any string that looks like an email address or a
// phone number, whatever the call looks like: the real logger's configuration, its output captured.
import { describe, expect, it } from "vitest";
import { createLogger, errorMessage, redactText } from "~/lib/logger.server";

const EMAIL = "maya.chen@example.com";
const PHONES = [
  "+16175550142",
  "+1 (617) 555-0142",
  "617-555-0142",
  "(617) 555-0142",
  "+44 20 7946 0958",
  "06 12 34 56 78",
];
const LEAKS = [/maya\.chen@example\.com/i, /617\D{0,3}555\D{0,2}0142/, /7946\D?0958/, /06 12 34 56 78/];

function capture() {
  const lines: string[] = [];
  const log = createLogger({ write: (s: string) => void lines.push(s) }, "trace");
  return { log, lines, text: () => lines.join("") };
}

class HostileError extends Error {
  readonly meta: unknown;
  constructor() {
    super(`Invalid recipient ${EMAIL} (phone ${PHONES[1]})`, {
      cause: new Error(`upstream said: unknown number ${PHONES[0]}`),
    });
    this.name = "HostileError";
    this.meta = { target: { email: EMAIL, note: `call ${PHONES[2]}` }, list: [`cc ${EMAIL}`] };
    this.stack = `HostileError: Invalid recipient ${EMAIL}\n    at send (/app/notify.ts:10:5) with ${PHONES[3]}`;
  }
}

describe("log redaction", () => {
  it("covers err: message, stack, cause and nested fields", () => {
    const { log, lines, text } = capture();
    log.error({ err: new HostileError(), jobId: "job_1" }, "send failed");
    for (const leak of LEAKS) expect(text()).not.toMatch(leak);
    const line = JSON.parse(lines[0]!) as {
      err: { type: string; message: string; stack: string; meta: { target: { note: string } } };
      jobId: string;
    };
    // Still useful: the error's shape and everything that is not personal survives.
    expect(line.err.type).toBe("HostileError");
    expect(line.err.message).toBe("Invalid recipient [email] (phone [phone]): upstream said: unknown number [phone]");
    expect(line.err.stack).toContain("at send (/app/notify.ts:10:5)");
    expect(line.err.meta.target.note).toBe("call [phone]");
    expect(line.jobId).toBe("job_1");
  });

  it("covers an error passed alone (its message becomes msg), under any key, and in the message text", () => {
    const { log, text } = capture();
    log.warn(new HostileError());
    log.warn({ error: new HostileError(), detail: { deeper: { deepest: [`reply to ${EMAIL}`] } } }, "oops");
    log.info(`texted ${PHONES[4]} and ${PHONES[5]}`);
    log.info("formatted %s / %s", EMAIL, PHONES[0]);
    log.child({ shop: "s.myshopify.com" }).error({ err: new HostileError() }, "child logger");
    for (const leak of LEAKS) expect(text()).not.toMatch(leak);
    expect(text()).toContain("texted [phone] and [phone]");
  });

  it("survives circular values", () => {
    const { log, text } = capture();
    const a: Record<string, unknown> = { email: EMAIL, note: `mail ${EMAIL}` };
    a.self = a;
    log.info({ a }, "circular");
    expect(text()).not.toMatch(LEAKS[0]!);
    expect(text()).toContain("[truncated]");
  });

  it("leaves ids, times, dates, versions, addresses of servers and amounts alone", () => {
    const keep = [
      "6301542301987",
      "1732000000000",
      "2026-11-16T09:12:40-05:00",
      "2026-11-16",
      "10:15:00",
      "v20.19.0",
      "127.0.0.1:5432",
      "gid://shopify/Order/6301542301987",
      "1Z999AA10123456784",
      "320.21",
      "42.3663, -71.0936",
      "550e8400-e29b-41d4-a716-446655440000",
      "555-0142",
    ];
    for (const s of keep) expect(redactText(`value ${s} end`)).toBe(`value ${s} end`);
  });

  it("drops the body excerpt V8 quotes in a JSON syntax error", () => {
    let message = "";
    try {
      JSON.parse(`{"customer": {"name": Maya Chen, "email": "${EMAIL}"}}`);
    } catch (error) {
      message = errorMessage(new Error(`orders/create payload: body is not valid JSON (${(error as Error).message})`));
    }
    expect(message).toMatch(
      /^orders\/create payload: body is not valid JSON \(Unexpected token 'M', \[excerpt\] is not valid JSON\)$/,
    );
  });

  it("errorMessage, used for stored error columns, removes them too", () => {
    expect(errorMessage(new HostileError())).toBe("Invalid recipient [email] (phone [phone])");
    expect(errorMessage(`to ${PHONES[0]}`)).toBe("to [phone]");
  });
});
