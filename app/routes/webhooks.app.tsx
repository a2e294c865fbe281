import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../runtime.server";

// app topics (shopify.app.toml): verified, persisted with its job in one transaction, answered at once.
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request);
