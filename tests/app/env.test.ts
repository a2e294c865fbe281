// Start-up validation: a missing or malformed variable is named, explained, and says how to set it.
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "~/env.server";

const valid = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://waypoint.example",
  ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
  TRACKING_LINK_SECRET: "0123456789abcdef0123",
};

describe("parseEnv", () => {
  it("accepts a complete environment and fills the defaults", () => {
    const env = parseEnv(valid);
    expect(env).toMatchObject({ DATABASE_URL: "file:./prisma/dev.sqlite", WORKER: "inline", LOG_LEVEL: "info" });
  });

  it("names every missing or malformed variable with its purpose and how to set it", () => {
    const broken = { ...valid, SHOPIFY_API_SECRET: undefined, ENCRYPTION_KEY: "too-short", DATABASE_URL: "mysql://x" };
    let error: unknown;
    try {
      parseEnv(broken);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    const message = (error as Error).message;
    expect(message).toMatch(/SHOPIFY_API_SECRET is missing\. The app's client secret.*Set it: /);
    expect(message).toMatch(/ENCRYPTION_KEY must be 32 random bytes, base64-encoded\..*openssl rand -base64 32/);
    expect(message).toMatch(/DATABASE_URL must start with file: or postgres:\/\//);
    expect(message).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("treats empty strings as unset", () => {
    expect(() => parseEnv({ ...valid, SHOPIFY_API_KEY: "" })).toThrow(/SHOPIFY_API_KEY is missing/);
  });
});
