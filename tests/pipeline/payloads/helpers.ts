// What the payload tests share: catching a PayloadError, and proving a message quotes nothing of a value.
import { expect } from "vitest";
import { PayloadError } from "../../../app/pipeline/payloads/fields";

/** The PayloadError a call throws (fails the test when it throws nothing or something else). */
export function payloadError(fn: () => unknown): PayloadError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PayloadError);
    return error as PayloadError;
  }
  throw new Error("expected a PayloadError, but nothing was thrown");
}

/**
 * Asserts `message` names `field` and quotes nothing of `value`: neither the whole value nor any
 * run of 4+ letters or digits from it (so a truncated or re-cased echo is caught too).
 */
export function expectNoEcho(message: string, field: string, value: string): void {
  expect(message).toContain(` ${field} `);
  const lower = message.toLowerCase();
  expect(lower).not.toContain(value.toLowerCase());
  for (const piece of value.toLowerCase().match(/[a-z0-9]{4,}/g) ?? [])
    expect(lower, `quotes "${piece}"`).not.toContain(piece);
}
