// A shop's connected tracking source: the row, its credentials decrypted only here, and its adapter.
import crypto from "node:crypto";
import type { TrackingSource } from "@prisma/client";
import type { Db } from "../db.server";
import { decryptSecret } from "../lib/crypto.server";
import type { PushVerifier, TrackingSourceAdapter } from "./adapter";
import { EasyPostSource } from "./adapters/easypost.server";
import { SeventeenTrackSource } from "./adapters/seventeen-track.server";
import { isSourceProvider } from "./rules/types";

export type Connection = TrackingSource;

/** The adapter of a connection (decrypts its key; never logged). */
export function adapterFor(c: Connection): TrackingSourceAdapter & PushVerifier {
  if (!isSourceProvider(c.provider)) throw new Error(`unknown tracking source provider "${c.provider}"`);
  const apiKey = decryptSecret(c.apiKeyEnc);
  if (c.provider === "easypost")
    return new EasyPostSource(apiKey, {
      baseUrl: c.baseUrl,
      webhookSecret: c.webhookSecretEnc ? decryptSecret(c.webhookSecretEnc) : null,
    });
  return new SeventeenTrackSource(apiKey, { baseUrl: c.baseUrl });
}

export async function connectionFor(db: Db, shopId: string): Promise<Connection | null> {
  return db.trackingSource.findUnique({ where: { shopId } });
}

/** A fresh token for a connection's push URL: unguessable, so the URL names the shop without a lookup by domain. */
export function newPushToken(): string {
  return crypto.randomBytes(18).toString("base64url");
}

/** The path sources push to; the merchant pastes its full URL into the source's dashboard. */
export function pushPath(c: Pick<Connection, "provider" | "pushToken">): string {
  return `/webhooks/carriers/${c.provider}/${c.pushToken}`;
}
