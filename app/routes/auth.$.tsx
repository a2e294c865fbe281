import type { LoaderFunctionArgs } from "@remix-run/node";
import { authPage } from "../admin/auth.server";

// The library's auth paths (bounce page, exit-iframe, login): app/admin/auth.server.ts.
export const loader = ({ request }: LoaderFunctionArgs) => authPage(request);
