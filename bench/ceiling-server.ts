// The ingest ceiling: a bare node:http server that only verifies the webhook HMAC (base64
// HMAC-SHA256 of the raw body, compared in constant time) and answers 200. Run as its own process,
// like the app, so both are driven by the same load generator under the same conditions.
//   node --import tsx bench/ceiling-server.ts <port> <secret>
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";

export function startCeilingServer(port: number, secret: string, host = "127.0.0.1"): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const given = Buffer.from(String(req.headers["x-shopify-hmac-sha256"] ?? ""), "base64");
      const expected = createHmac("sha256", secret).update(Buffer.concat(chunks)).digest();
      const ok = given.length === expected.length && timingSafeEqual(given, expected);
      res.writeHead(ok ? 200 : 401, { "Content-Type": "text/plain" }).end(ok ? "OK" : "Unauthorized");
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

if (process.argv[1]?.endsWith("ceiling-server.ts")) {
  const [port, secret] = process.argv.slice(2);
  if (!port || !secret) throw new Error("usage: ceiling-server.ts <port> <secret>");
  await startCeilingServer(Number(port), secret);
  process.stdout.write("ready\n");
}
