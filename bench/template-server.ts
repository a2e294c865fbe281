// What a Shopify developer would otherwise run (issue 17 item 5): an Express handler doing what the
// app template's `authenticate.webhook` routes do: `@shopify/shopify-api`'s `webhooks.validate`, the
// shop's offline session loaded from Prisma's session storage, and the receipt written with Prisma.
// Its own process, driven by the same load generator as the app and the ceiling.
//   node --import tsx bench/template-server.ts <port> <secret> <sqlite database url>
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import type { Server } from "node:http";
import express from "express";
import { createDb } from "../app/db.server";

export async function startTemplateServer(port: number, secret: string, databaseUrl: string): Promise<Server> {
  const prisma = createDb(databaseUrl);
  const shopify = shopifyApi({
    apiKey: "waypoint-bench",
    apiSecretKey: secret,
    apiVersion: ApiVersion.July26,
    hostName: "127.0.0.1",
    isEmbeddedApp: true,
    logger: { level: 0 },
  });
  const sessions = new PrismaSessionStorage(prisma);
  const app = express();
  app.post("/webhooks/*", express.text({ type: "*/*", limit: "1mb" }), async (req, res) => {
    const rawBody = typeof req.body === "string" ? req.body : "";
    const check = await shopify.webhooks.validate({ rawBody, rawRequest: req, rawResponse: res });
    if (!check.valid) {
      res.status(check.reason === "missing_hmac" ? 400 : 401).end();
      return;
    }
    // authenticate.webhook loads the shop's offline session for the admin client it hands the route.
    await sessions.loadSession(shopify.session.getOfflineId(check.domain));
    await prisma.webhookReceipt.upsert({
      where: { webhookId: check.webhookId },
      create: {
        webhookId: check.webhookId,
        shopDomain: check.domain,
        topic: check.topic,
        apiVersion: check.apiVersion,
        headers: {},
        rawBody,
      },
      update: {},
    });
    res.status(200).end();
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(port, "127.0.0.1", () => resolve(s));
  });
  server.keepAliveTimeout = 60_000;
  server.on("close", () => void prisma.$disconnect());
  return server;
}

if (process.argv[1]?.endsWith("template-server.ts")) {
  const [port, secret, url] = process.argv.slice(2);
  if (!port || !secret || !url) throw new Error("usage: template-server.ts <port> <secret> <database url>");
  await startTemplateServer(Number(port), secret, url);
  process.stdout.write("ready\n");
}
