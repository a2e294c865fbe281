// A local stand-in for Twilio's Messages API on 127.0.0.1: POST and GET
// /2010-04-01/Accounts/{AccountSid}/Messages.json with HTTP Basic auth (SID:token) and form-encoded
// bodies, as the real `twilio` client sends them. It answers 201 with a Message resource, or whatever
// a test scripts (429/20429, 500, 400/21211, 21610, a reset connection, or accepted-but-no-answer).
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { FAKE_KEEP_ALIVE_MS } from "./fake-server";

export interface TwilioRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  form: URLSearchParams;
}

export interface TwilioMessage {
  sid: string;
  account_sid: string;
  to: string;
  from: string | null;
  messaging_service_sid: string | null;
  body: string;
  status: string;
  num_segments: string;
  status_callback: string | null;
  date_created: string;
}

export type TwilioScript =
  { status: number; code?: number; message?: string } | { reset: true } | { acceptAndHang: true };

export interface FakeTwilio {
  url: string;
  accountSid: string;
  authToken: string;
  requests: TwilioRequest[];
  /** Messages Twilio accepted (would deliver). */
  messages: TwilioMessage[];
  /** Requests the real API would have refused as malformed: tests assert this stays empty. */
  problems: string[];
  script(...next: TwilioScript[]): void;
  /** Resolves once `count` create-message requests have arrived. */
  createRequests(count: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

export function fakeSid(prefix: string): string {
  return prefix + crypto.randomBytes(16).toString("hex");
}

function segmentsOf(body: string): number {
  // Good enough for the fake: GSM-7 lengths (the app computes its own with the real rules).
  return body.length <= 160 ? 1 : Math.ceil(body.length / 153);
}

export async function startFakeTwilio(
  options: { accountSid?: string; authToken?: string; now?: () => Date } = {},
): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? fakeSid("AC");
  const authToken = options.authToken ?? crypto.randomBytes(16).toString("hex");
  const now = options.now ?? (() => new Date());
  const requests: TwilioRequest[] = [];
  const messages: TwilioMessage[] = [];
  const problems: string[] = [];
  const scripts: TwilioScript[] = [];
  const hanging = new Set<http.ServerResponse>();
  let waiters: { count: number; resolve: () => void }[] = [];
  let creates = 0;
  const listPath = `/2010-04-01/Accounts/${accountSid}/Messages.json`;

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const error = (res: http.ServerResponse, status: number, code: number, message: string) =>
    json(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const raw = Buffer.concat(chunks).toString("utf8");
      const form = new URLSearchParams(raw);
      requests.push({
        method: req.method ?? "",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        form,
      });
      const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`;
      if (req.headers.authorization !== expectedAuth) {
        error(res, 401, 20003, "Authenticate");
        return;
      }
      if (url.pathname !== listPath) {
        problems.push(`unexpected request ${req.method} ${url.pathname}`);
        error(res, 404, 20404, "The requested resource was not found");
        return;
      }

      if (req.method === "POST") {
        creates++;
        waiters = waiters.filter((w) => (creates >= w.count ? (w.resolve(), false) : true));
        if (!String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded"))
          problems.push("create without a form content type");
        const to = form.get("To");
        const body = form.get("Body");
        const from = form.get("From");
        const service = form.get("MessagingServiceSid");
        if (!to) problems.push("To missing");
        if (!body) problems.push("Body missing");
        if (!from && !service) problems.push("From or MessagingServiceSid missing");
        if (!to || !body || (!from && !service)) {
          error(res, 400, 21602, "A 'To', 'Body' and 'From' are required");
          return;
        }
        const script = scripts.shift();
        if (script && "reset" in script) {
          req.socket.destroy();
          return;
        }
        if (script && "status" in script) {
          error(
            res,
            script.status,
            script.code ?? (script.status === 429 ? 20429 : 20500),
            script.message ?? `scripted ${script.status}`,
          );
          return;
        }
        const message: TwilioMessage = {
          sid: fakeSid("SM"),
          account_sid: accountSid,
          to,
          from: from ?? null,
          messaging_service_sid: service ?? null,
          body,
          status: "queued",
          num_segments: String(segmentsOf(body)),
          status_callback: form.get("StatusCallback"),
          date_created: now().toUTCString().replace("GMT", "+0000"),
        };
        messages.push(message);
        if (script && "acceptAndHang" in script) {
          hanging.add(res);
          return;
        }
        json(res, 201, {
          ...message,
          date_updated: message.date_created,
          date_sent: null,
          direction: "outbound-api",
          error_code: null,
          error_message: null,
          price: null,
          uri: `${listPath.replace(".json", "")}/${message.sid}.json`,
        });
        return;
      }

      if (req.method === "GET") {
        const to = url.searchParams.get("To");
        const from = url.searchParams.get("From");
        const size = Number(url.searchParams.get("PageSize") ?? "50");
        const found = messages
          .filter((m) => (!to || m.to === to) && (!from || m.from === from))
          .slice()
          .reverse()
          .slice(0, size);
        json(res, 200, {
          messages: found.map((m) => ({
            ...m,
            date_updated: m.date_created,
            date_sent: null,
            direction: "outbound-api",
          })),
          end: found.length - 1,
          first_page_uri: `${listPath}?PageSize=${size}&Page=0`,
          next_page_uri: null,
          page: 0,
          page_size: size,
          previous_page_uri: null,
          start: 0,
          uri: `${listPath}?PageSize=${size}&Page=0`,
        });
        return;
      }
      problems.push(`unexpected method ${req.method}`);
      error(res, 405, 20004, "Method not allowed");
    });
  });
  server.keepAliveTimeout = FAKE_KEEP_ALIVE_MS; // the client closes idle connections first, as with the real API
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    requests,
    messages,
    problems,
    script: (...next) => void scripts.push(...next),
    createRequests: (count) =>
      creates >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    reset() {
      requests.length = 0;
      messages.length = 0;
      problems.length = 0;
      scripts.length = 0;
      creates = 0;
      for (const res of hanging) res.socket?.destroy();
      hanging.clear();
    },
    async close() {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The create-message requests only. */
export function messageCreateRequests(fake: FakeTwilio): TwilioRequest[] {
  return fake.requests.filter((r) => r.method === "POST");
}
