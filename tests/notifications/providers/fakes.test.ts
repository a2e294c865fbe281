// The provider fakes outlive Node's client connection pool, as the real APIs do: the client always
// closes an idle connection first, so a send issued right after a stalled event loop (a slow render, a
// SQLite busy wait on a loaded machine) never reuses a socket the fake is dropping (ECONNRESET).
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_KEEP_ALIVE_MS } from "../../support/fake-server";
import { type FakeSendGrid, startFakeSendGrid } from "../../support/fake-sendgrid";
import { type FakeTwilio, startFakeTwilio } from "../../support/fake-twilio";

/** The Keep-Alive hint of a fake's answer, in milliseconds, asked through Node's default agent (the providers' pool). */
function keepAliveHintMs(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        res.resume();
        const seconds = /timeout=(\d+)/.exec(String(res.headers["keep-alive"] ?? ""))?.[1];
        res.on("end", () =>
          seconds ? resolve(Number(seconds) * 1000) : reject(new Error("keep-alive: no timeout hint")),
        );
      })
      .on("error", reject);
  });
}

let sg: FakeSendGrid;
let tw: FakeTwilio;
beforeAll(async () => {
  sg = await startFakeSendGrid();
  tw = await startFakeTwilio();
});
afterAll(async () => {
  await sg.close();
  await tw.close();
});

describe("provider fakes", () => {
  it.each(["sendgrid", "twilio"] as const)(
    "%s keeps idle connections far longer than the client pool does",
    async (name) => {
      // The pool the providers' HTTP clients use (Node's global agent: keep-alive, idle sockets closed after 5 s).
      const clientIdleMs = (http.globalAgent as http.Agent & { options: http.AgentOptions }).options.timeout ?? 5_000;
      const hint = await keepAliveHintMs(`${name === "sendgrid" ? sg.url : tw.url}/v3/anything`);
      expect(hint).toBe(FAKE_KEEP_ALIVE_MS);
      expect(hint).toBeGreaterThanOrEqual(100 * clientIdleMs);
    },
  );
});
