// Start-up validation: a missing or malformed variable is named, explained, and says how to set it.
import { describe, expect, it } from "vitest";
import { env, EnvError, parseEnv } from "~/env.server";

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
  it("fills the documented defaults of the optional numbers and folders, and reads given values as numbers", () => {
    expect(parseEnv(valid)).toMatchObject({
      RECEIPT_RETENTION_DAYS: 14,
      JOB_RETENTION_DAYS: 7,
      PROXY_TRUSTED_HOPS: 0,
      WAYPOINT_EXTENSION_ROOT: "extensions/tracking-block",
    });
    expect(parseEnv({ ...valid, RECEIPT_RETENTION_DAYS: "30", PROXY_TRUSTED_HOPS: "2" })).toMatchObject({
      RECEIPT_RETENTION_DAYS: 30,
      PROXY_TRUSTED_HOPS: 2,
    });
    expect(() => parseEnv({ ...valid, JOB_RETENTION_DAYS: "a week" })).toThrow(
      /JOB_RETENTION_DAYS .*Days finished jobs are kept/,
    );
  });

  it("logs at info by default, silently under test, and at the given level whenever one is set", () => {
    expect(parseEnv({ ...valid, NODE_ENV: "production" }).LOG_LEVEL).toBe("info");
    expect(parseEnv({ ...valid, NODE_ENV: "test" }).LOG_LEVEL).toBe("silent");
    expect(parseEnv({ ...valid, NODE_ENV: "test", LOG_LEVEL: "debug" }).LOG_LEVEL).toBe("debug");
    expect(() => parseEnv({ ...valid, LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL/);
  });
});

describe("env", () => {
  it("under NODE_ENV=test, sees a variable a test changes after the first call", () => {
    const before = process.env.PROXY_TRUSTED_HOPS;
    try {
      delete process.env.PROXY_TRUSTED_HOPS;
      expect(env().PROXY_TRUSTED_HOPS).toBe(0);
      process.env.PROXY_TRUSTED_HOPS = "3";
      expect(env().PROXY_TRUSTED_HOPS).toBe(3);
    } finally {
      if (before === undefined) delete process.env.PROXY_TRUSTED_HOPS;
      else process.env.PROXY_TRUSTED_HOPS = before;
    }
    expect(env().PROXY_TRUSTED_HOPS).toBe(before === undefined ? 0 : Number(before));
  });
});
