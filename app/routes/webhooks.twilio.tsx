import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { handleTwilioInbound } from "../notifications/sms-optout.server";

// Twilio inbound messages (the sending numbers' "A message comes in" webhook): STOP / START keywords.
export const action = ({ request }: ActionFunctionArgs) => handleTwilioInbound(db, request);

export const loader = () => new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
