// Local stand-ins for SendGrid's Mail Send API and Twilio's Messages API on 127.0.0.1, for the
// benchmarks: they answer like the real services (202 with X-Message-Id; 201 with a message SID) and
// log every request with its arrival time, so the bench can measure event-to-send latency and count
// sends per notification (a message sent twice shows up twice here).
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ProviderRequest {
  provider: "sendgrid" | "twilio";
  /** Arrival time (Date.now()). */
  at: number;
  /** SendGrid: custom_args.waypoint_notification_id; Twilio: none (matched by To and Body). */
  notificationId: string | null;
  to: string | null;
  body: string | null;
}

export interface FakeProviders {
  sendgridUrl: string;
  twilioUrl: string;
  requests: ProviderRequest[];
  close(): Promise<void>;
}

export const FAKE_SENDGRID_KEY = "SG.bench-fake-key";
export const FAKE_TWILIO_SID = "ACbench00000000000000000000000000";
export const FAKE_TWILIO_TOKEN = "bench-twilio-token";
export const FAKE_TWILIO_FROM = "+15005550006";

export async function startFakeProviders(): Promise<FakeProviders> {
  const requests: ProviderRequest[] = [];
  let seq = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const at = Date.now();
      const raw = Buffer.concat(chunks).toString();
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (req.method === "POST" && url.pathname === "/v3/mail/send") {
        let notificationId: string | null = null;
        let to: string | null = null;
        try {
          const b = JSON.parse(raw) as {
            custom_args?: Record<string, string>;
            personalizations?: { to?: { email?: string }[]; custom_args?: Record<string, string> }[];
          };
          notificationId =
            b.custom_args?.waypoint_notification_id ??
            b.personalizations?.[0]?.custom_args?.waypoint_notification_id ??
            null;
          to = b.personalizations?.[0]?.to?.[0]?.email ?? null;
        } catch {
          // recorded as is
        }
        requests.push({ provider: "sendgrid", at, notificationId, to, body: null });
        res.writeHead(202, { "X-Message-Id": `bench-${++seq}` }).end();
        return;
      }
      if (req.method === "POST" && /\/Accounts\/[^/]+\/Messages\.json$/.test(url.pathname)) {
        const form = new URLSearchParams(raw);
        requests.push({ provider: "twilio", at, notificationId: null, to: form.get("To"), body: form.get("Body") });
        const sid = `SM${String(++seq).padStart(32, "0")}`;
        res.writeHead(201, { "Content-Type": "application/json" }).end(
          JSON.stringify({
            sid,
            status: "queued",
            to: form.get("To"),
            from: form.get("From"),
            body: form.get("Body"),
            num_segments: "1",
            date_created: new Date(at).toUTCString(),
          }),
        );
        return;
      }
      if (req.method === "GET" && /\/Messages\.json$/.test(url.pathname)) {
        res
          .writeHead(200, { "Content-Type": "application/json" })
          .end(JSON.stringify({ messages: [], next_page_uri: null }));
        return;
      }
      res
        .writeHead(404, { "Content-Type": "application/json" })
        .end(JSON.stringify({ errors: [{ message: "not found" }] }));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    sendgridUrl: base,
    twilioUrl: base,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Environment that points the app's own SendGrid and Twilio accounts at the fakes. */
export function providerEnv(p: FakeProviders): Record<string, string> {
  return {
    SENDGRID_API_KEY: FAKE_SENDGRID_KEY,
    SENDGRID_FROM: "tracking@bench.example",
    SENDGRID_BASE_URL: p.sendgridUrl,
    TWILIO_ACCOUNT_SID: FAKE_TWILIO_SID,
    TWILIO_AUTH_TOKEN: FAKE_TWILIO_TOKEN,
    TWILIO_FROM: FAKE_TWILIO_FROM,
    TWILIO_BASE_URL: p.twilioUrl,
  };
}
