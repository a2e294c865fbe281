// A local stand-in for SendGrid's v3 API on 127.0.0.1: it checks every request the way SendGrid would
// (path, Bearer key, JSON body shape) and answers 202, or whatever a test scripts: 429, 500, 400, 401,
// a reset connection, or no answer at all (the client "dies" waiting). Accepted mail is recorded, and the
// Email Activity search (GET /v3/messages) can find it by custom_args, or be forbidden (no add-on).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { FAKE_KEEP_ALIVE_MS } from "./fake-server";

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface SendGridMail {
  messageId: string;
  personalizations: { to: { email: string; name?: string }[]; custom_args?: Record<string, string> }[];
  from: { email: string; name?: string };
  reply_to?: { email: string; name?: string };
  subject: string;
  content: { type: string; value: string }[];
  categories?: string[];
  custom_args?: Record<string, string>;
}

/** What the next mail send gets: an HTTP answer, a reset connection, or (accepted but) no answer. */
export type SendGridScript = { status: number; body?: unknown } | { reset: true } | { acceptAndHang: true };

export interface FakeSendGrid {
  url: string;
  apiKey: string;
  requests: RecordedRequest[];
  /** Mail SendGrid accepted (would deliver). */
  mails: SendGridMail[];
  /** Requests a real SendGrid would have refused as malformed: tests assert this stays empty. */
  problems: string[];
  /** Email Activity API: "enabled" (the add-on), "forbidden" (403, no add-on). */
  activity: "enabled" | "forbidden";
  script(...next: SendGridScript[]): void;
  /** Resolves once `count` mail-send requests have arrived (no polling, no sleeps). */
  mailRequests(count: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

function mailSendProblems(body: unknown): string[] {
  const p: string[] = [];
  const b = body as Partial<SendGridMail> | null;
  if (!b || typeof b !== "object") return ["body is not a JSON object"];
  if (!Array.isArray(b.personalizations) || b.personalizations.length === 0) p.push("personalizations missing");
  else
    for (const per of b.personalizations)
      if (!Array.isArray(per.to) || !per.to.every((t) => typeof t.email === "string" && t.email.includes("@")))
        p.push("personalizations[].to[].email invalid");
  if (!b.from || typeof b.from.email !== "string" || !b.from.email.includes("@")) p.push("from.email missing");
  if (typeof b.subject !== "string" || b.subject.length === 0) p.push("subject missing");
  if (!Array.isArray(b.content) || b.content.length === 0) p.push("content missing");
  else {
    if (b.content[0]?.type !== "text/plain") p.push("content[0] must be text/plain (SendGrid's order rule)");
    if (b.content.some((c) => typeof c.value !== "string" || c.value.length === 0)) p.push("content value empty");
  }
  if (b.custom_args && !Object.values(b.custom_args).every((v) => typeof v === "string"))
    p.push("custom_args values must be strings");
  if (b.categories && (!Array.isArray(b.categories) || b.categories.length > 10))
    p.push("categories: at most 10 strings");
  return p;
}

export async function startFakeSendGrid(options: { apiKey?: string } = {}): Promise<FakeSendGrid> {
  const apiKey = options.apiKey ?? "SG.fake-key.0123456789";
  const requests: RecordedRequest[] = [];
  const mails: SendGridMail[] = [];
  const problems: string[] = [];
  const scripts: SendGridScript[] = [];
  const hanging = new Set<http.ServerResponse>();
  let waiters: { count: number; resolve: () => void }[] = [];
  let mailRequestCount = 0;
  let seq = 0;

  const json = (res: http.ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "Content-Type": "application/json", ...headers });
    res.end(body === undefined ? "" : JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const body = Buffer.concat(chunks).toString("utf8");
      requests.push({
        method: req.method ?? "",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
      });
      if (req.headers.authorization !== `Bearer ${apiKey}`) {
        json(res, 401, {
          errors: [{ field: null, message: "The provided authorization grant is invalid, expired, or revoked" }],
        });
        return;
      }

      if (req.method === "POST" && url.pathname === "/v3/mail/send") {
        mailRequestCount++;
        waiters = waiters.filter((w) => (mailRequestCount >= w.count ? (w.resolve(), false) : true));
        if (!String(req.headers["content-type"]).startsWith("application/json"))
          problems.push("mail send without a JSON content type");
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          problems.push("mail send body is not JSON");
          json(res, 400, { errors: [{ message: "Bad Request" }] });
          return;
        }
        const wrong = mailSendProblems(parsed);
        if (wrong.length) {
          problems.push(...wrong);
          json(res, 400, { errors: wrong.map((message) => ({ message, field: null })) });
          return;
        }
        const script = scripts.shift();
        if (script && "reset" in script) {
          req.socket.destroy();
          return;
        }
        if (script && "status" in script && script.status !== 202) {
          json(res, script.status, script.body ?? { errors: [{ message: `scripted ${script.status}` }] });
          return;
        }
        const messageId = `fakeSG${++seq}`;
        mails.push({ ...(parsed as Omit<SendGridMail, "messageId">), messageId });
        if (script && "acceptAndHang" in script) {
          hanging.add(res); // SendGrid has it; the caller never learns
          return;
        }
        res.writeHead(202, { "X-Message-Id": messageId });
        res.end();
        return;
      }

      if (req.method === "GET" && url.pathname === "/v3/messages") {
        if (fake.activity === "forbidden") {
          json(res, 403, { errors: [{ field: null, message: "access forbidden" }] });
          return;
        }
        const q = url.searchParams.get("query") ?? "";
        const m = /^unique_args\['([^']+)'\]="([^"]*)"$/.exec(q);
        if (!m) {
          problems.push(`unsupported activity query: ${q}`);
          json(res, 400, { errors: [{ message: "invalid query" }] });
          return;
        }
        const [, key, value] = m as unknown as [string, string, string];
        const found = mails.filter(
          (x) => x.custom_args?.[key] === value || x.personalizations.some((p) => p.custom_args?.[key] === value),
        );
        json(res, 200, {
          messages: found.map((x) => ({
            msg_id: `${x.messageId}.filter0001.1.0`,
            from_email: x.from.email,
            subject: x.subject,
            to_email: x.personalizations[0]?.to[0]?.email,
            status: "delivered",
          })),
        });
        return;
      }

      problems.push(`unexpected request ${req.method} ${url.pathname}`);
      json(res, 404, { errors: [{ message: "not found" }] });
    });
  });
  server.keepAliveTimeout = FAKE_KEEP_ALIVE_MS; // the client closes idle connections first, as with the real API
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeSendGrid = {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    mails,
    problems,
    activity: "enabled",
    script: (...next) => void scripts.push(...next),
    mailRequests: (count) =>
      mailRequestCount >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    reset() {
      requests.length = 0;
      mails.length = 0;
      problems.length = 0;
      scripts.length = 0;
      mailRequestCount = 0;
      seq = 0;
      fake.activity = "enabled";
      for (const res of hanging) res.socket?.destroy();
      hanging.clear();
    },
    async close() {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

/** The mail-send requests only (method, path and parsed body). */
export function mailSendRequests(fake: FakeSendGrid): RecordedRequest[] {
  return fake.requests.filter((r) => r.method === "POST" && r.path === "/v3/mail/send");
}
