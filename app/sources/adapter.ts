// The tracking-source interface: every source (EasyPost, 17TRACK, ...) registers a number, answers
// a poll, stops tracking, and verifies and reads its own signed pushes. Everything after that (facts,
// the fold, write-back) is the same for all of them.
import type { SourceProvider, SourceSnapshot } from "./rules/types";

export interface Registered {
  /** The source's id for the registration (EasyPost's tracker id, 17TRACK's carrier code). */
  externalId: string | null;
  /** What the source already knows, when it says so at once. */
  snapshot: SourceSnapshot | null;
}

export interface RegistrationRef {
  trackingNumber: string;
  externalId: string | null;
}

/** A push the source signed: verified, then read into snapshots (one per tracking number). */
export interface PushRead {
  /** The source's id for the push, for idempotency (EasyPost's event id; 17TRACK has none: a hash). */
  id: string;
  snapshots: SourceSnapshot[];
}

export interface TrackingSourceAdapter {
  readonly provider: SourceProvider;
  register(trackingNumber: string, carrierHint: string | null): Promise<Registered>;
  poll(ref: RegistrationRef): Promise<SourceSnapshot | null>;
  unregister(ref: RegistrationRef): Promise<void>;
  /** A cheap authenticated call, for "Test connection". */
  testConnection(): Promise<void>;
}

/** The push half, which needs no API key from the database beyond the signing secret. */
export interface PushVerifier {
  /** Throws PushSignatureError when the signature is missing or wrong; else the push, read. */
  readPush(rawBody: Buffer, headers: Headers): PushRead;
}

export class PushSignatureError extends Error {
  override readonly name = "PushSignatureError";
}

/** A source's answer that no retry changes (a rejected number, a bad key). */
export class SourceRejected extends Error {
  override readonly name = "SourceRejected";
}
