// For the arrival-order tests: one database told many stories. Emptying it between stories costs a
// few milliseconds; a fresh database and client per story cost far more (a new Prisma client compiles
// every query again), which is what made these tests slow on a busy machine.
import { Prisma, type Db } from "~/db.server";

type Delegate = { deleteMany(): Promise<unknown> };
// Every model, in schema order: Shop comes before the tables that cascade from it, so those are
// already empty when their turn comes; a model added later is emptied too.
const MODELS = Prisma.dmmf.datamodel.models.map((m) => m.name.charAt(0).toLowerCase() + m.name.slice(1));

/** Deletes every row of every model, leaving the migrated schema. */
export async function emptyDatabase(db: Db): Promise<void> {
  const delegates = db as unknown as Record<string, Delegate | undefined>;
  for (const model of MODELS) {
    const delegate = delegates[model];
    if (!delegate) throw new Error(`emptyDatabase: no client delegate for model ${model}`);
    await delegate.deleteMany();
  }
}
