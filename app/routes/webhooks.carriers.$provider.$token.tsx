import type { ActionFunctionArgs } from "@remix-run/node";
import { carrierPushWebhook } from "../sources/routes.server";

// Tracking sources' signed pushes (EasyPost tracker events, 17TRACK TRACKING_UPDATED): checked, stored, queued.
export const action = ({ request, params }: ActionFunctionArgs) =>
  carrierPushWebhook(request, params.provider ?? "", params.token ?? "");

export const loader = () => new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
