import type { ActionFunctionArgs } from "@remix-run/node";
import { twilioInboundWebhook } from "../notifications/provider-webhooks.server";

// Twilio inbound messages (the sending numbers' "A message comes in" webhook): STOP / START keywords.
export const action = ({ request }: ActionFunctionArgs) => twilioInboundWebhook(request);

export const loader = () => new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
