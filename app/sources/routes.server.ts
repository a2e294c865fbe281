// The sources' entry points as routes call them, over the app's database (routes never import it).
import appDb, { type Db } from "../db.server";
import { handleCarrierPush } from "./push.server";

export const carrierPushWebhook = (request: Request, provider: string, token: string, db: Db = appDb) =>
  handleCarrierPush(db, request, provider, token);
