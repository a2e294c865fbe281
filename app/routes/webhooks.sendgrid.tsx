import type { ActionFunctionArgs } from "@remix-run/node";
import { sendGridEventsWebhook } from "../notifications/provider-webhooks.server";

// SendGrid's signed Event Webhook: delivery and engagement events for the email we send.
export const action = ({ request }: ActionFunctionArgs) => sendGridEventsWebhook(request);

export const loader = () => new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
