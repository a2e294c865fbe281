import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { handleTwilioStatus } from "../notifications/reports.server";

// Twilio's status callback for the SMS we send (statusCallback on each message): delivered, undelivered...
export const action = ({ request }: ActionFunctionArgs) => handleTwilioStatus(db, request);

export const loader = () => new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
