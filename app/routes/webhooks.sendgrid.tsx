import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { handleSendGridEvents } from "../notifications/reports.server";

// SendGrid's signed Event Webhook: delivery and engagement events for the email we send.
export const action = ({ request }: ActionFunctionArgs) => handleSendGridEvents(db, request);

export const loader = () => new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
