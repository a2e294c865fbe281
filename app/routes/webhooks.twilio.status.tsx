import type { ActionFunctionArgs } from "@remix-run/node";
import { twilioStatusWebhook } from "../notifications/provider-webhooks.server";

// Twilio's status callback for the SMS we send (statusCallback on each message): delivered, undelivered...
export const action = ({ request }: ActionFunctionArgs) => twilioStatusWebhook(request);

export const loader = () => new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
