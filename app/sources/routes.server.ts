// The sources' entry points as routes call them, over the app's database (routes never import it).
import appDb, { type Db } from "../db.server";
import { handleCarrierPush } from "./push.server";
import { carrierTrackingAction, carrierTrackingView } from "./settings.server";

export const carrierPushWebhook = (request: Request, provider: string, token: string, db: Db = appDb) =>
  handleCarrierPush(db, request, provider, token);

/** The settings page's "Carrier tracking" section: its view, and its forms (intents carrier_*). */
export const carrierTrackingSettings = (shopId: string, db: Db = appDb) => carrierTrackingView(db, shopId);
export const carrierTrackingSettingsAction = (shopId: string, form: FormData, db: Db = appDb) =>
  carrierTrackingAction(db, shopId, form);
export const isCarrierTrackingIntent = (form: FormData) => String(form.get("intent") ?? "").startsWith("carrier_");
