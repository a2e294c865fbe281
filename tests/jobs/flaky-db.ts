// A database client that fails on demand with the error Prisma gives when the server cannot be
// reached (P1001), for tests of what survives an outage. Every model call and raw query counts as a
// call; interactive transactions' inner calls run on the real client.
import { Prisma, type Db } from "~/db.server";

export interface FlakyDb {
  db: Db;
  /** The next `n` calls fail. */
  fail(n: number): void;
  /** Calls made so far, failed ones included. */
  calls(): number;
  failed(): number;
}

export function connectionError(): Error {
  return new Prisma.PrismaClientKnownRequestError("Can't reach database server at 127.0.0.1:5432", {
    code: "P1001",
    clientVersion: Prisma.prismaVersion.client,
    meta: { driverAdapterError: { name: "DriverAdapterError", cause: { kind: "DatabaseNotReachable" } } },
  });
}

const RAW = new Set(["$queryRaw", "$queryRawUnsafe", "$executeRaw", "$executeRawUnsafe", "$transaction"]);

/** `only` limits failures to some calls ("job.updateMany", "shop.findUnique", "$queryRawUnsafe"). */
export function flakyDb(real: Db, options: { failFirst?: number; only?: (call: string) => boolean } = {}): FlakyDb {
  let left = options.failFirst ?? 0;
  let calls = 0;
  let failed = 0;
  const guard =
    <F extends (...args: never[]) => unknown>(name: string, fn: F, self: unknown) =>
    (...args: Parameters<F>) => {
      calls += 1;
      if (left > 0 && (options.only?.(name) ?? true)) {
        left -= 1;
        failed += 1;
        return Promise.reject(connectionError());
      }
      return fn.apply(self, args);
    };
  const db = new Proxy(real, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof prop !== "string") return value;
      if (RAW.has(prop) && typeof value === "function") return guard(prop, value as (...a: never[]) => unknown, target);
      if (!prop.startsWith("$") && !prop.startsWith("_") && typeof value === "object" && value !== null) {
        return new Proxy(value, {
          get(delegate, method) {
            const fn: unknown = Reflect.get(delegate, method, delegate);
            return typeof fn === "function" && typeof method === "string"
              ? guard(`${prop}.${method}`, fn as (...a: never[]) => unknown, delegate)
              : fn;
          },
        });
      }
      return value;
    },
  });
  return {
    db,
    fail: (n) => {
      left = n;
    },
    calls: () => calls,
    failed: () => failed,
  };
}
