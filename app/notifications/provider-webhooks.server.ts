// The providers' webhooks as the routes call them, over the app's database: Twilio's inbound messages
// (STOP / START), Twilio's status callbacks and SendGrid's signed Event Webhook. Each handler checks the
// provider's signature itself; routes stay one line and never import the database.
import appDb, { type Db } from "../db.server";
import { handleSendGridEvents, handleTwilioStatus } from "./reports.server";
import { handleTwilioInbound } from "./sms-optout.server";

export const twilioInboundWebhook = (request: Request, db: Db = appDb) => handleTwilioInbound(db, request);
export const twilioStatusWebhook = (request: Request, db: Db = appDb) => handleTwilioStatus(db, request);
export const sendGridEventsWebhook = (request: Request, db: Db = appDb) => handleSendGridEvents(db, request);
