// A PostgreSQL driver adapter for the Prisma CLI (migrate deploy/dev/diff) that smooths the rough
// edges of @prisma/adapter-pg 6.19 when it migrates:
// - catalogue queries return columns of type `name` (OID 19) and `"char"` (OID 18), which the
//   adapter does not map: they are read as text;
// - the shadow database is dropped only after its own pool has closed (DROP DATABASE fails
//   while connections to it are open), or created from SHADOW_DATABASE_URL when that is given.
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";

const TEXT_OID = 25;
const AS_TEXT = new Set([18, 19]);

function patchQueryable(queryable) {
  const performIO = queryable.performIO.bind(queryable);
  queryable.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields ?? []) if (AS_TEXT.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    return result;
  };
  if (typeof queryable.startTransaction === "function") {
    const start = queryable.startTransaction.bind(queryable);
    queryable.startTransaction = async (...args) => patchQueryable(await start(...args));
  }
  return queryable;
}

export function migrationAdapter(url, shadowUrl) {
  const factory = new PrismaPg({ connectionString: url });
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patchQueryable(await factory.connect()),
    connectToShadowDb: async () => {
      if (shadowUrl) return patchQueryable(await new PrismaPg({ connectionString: shadowUrl }).connect());
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      const database = `prisma_shadow_${globalThis.crypto.randomUUID().replaceAll("-", "")}`;
      await admin.query(`CREATE DATABASE "${database}"`);
      const shadowConfig = new URL(url);
      shadowConfig.pathname = `/${database}`;
      const adapter = patchQueryable(await new PrismaPg({ connectionString: shadowConfig.toString() }).connect());
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
        await admin.end();
      };
      return adapter;
    },
  };
}
