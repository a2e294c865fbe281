import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, type ShouldRevalidateFunction, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { PolarisVizProvider } from "@shopify/polaris-viz";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { notInAdmin } from "../components/RouteError";
import { env } from "../env.server";
import { adminLanguage } from "../admin/admin-locale.server";
import { requireShop } from "../admin/shop.server";
import { I18nProvider, useT } from "../components/I18n";

export const links = () => [
  { rel: "stylesheet", href: polarisStyles },
  { rel: "stylesheet", href: polarisVizStyles },
];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, shop } = await requireShop(request);
  const language = adminLanguage(request, session.onlineAccessInfo?.associated_user.locale, shop.locale);
  return { apiKey: env().SHOPIFY_API_KEY, ...language };
};

// Shopify names the admin's language only in the URL it opens the app with; client navigations and
// form posts do not repeat it, so this loader's answer (the key and the language) is kept for the visit.
export const shouldRevalidate: ShouldRevalidateFunction = () => false;

function Nav() {
  const t = useT();
  return (
    <NavMenu>
      <Link to="/app" rel="home">
        {t("nav.overview")}
      </Link>
      <Link to="/app/shipments">{t("nav.shipments")}</Link>
      <Link to="/app/review">{t("nav.review")}</Link>
      <Link to="/app/bottlenecks">{t("nav.bottlenecks")}</Link>
      <Link to="/app/failures">{t("nav.failures")}</Link>
      <Link to="/app/sync">{t("nav.sync")}</Link>
      <Link to="/app/settings">{t("nav.settings")}</Link>
    </NavMenu>
  );
}

export default function App() {
  const { apiKey, locale, messages, polaris } = useLoaderData<typeof loader>();
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} i18n={polaris}>
      <I18nProvider locale={locale} messages={messages}>
        <Nav />
        <PolarisVizProvider>
          <Outlet />
        </PolarisVizProvider>
      </I18nProvider>
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses, so that their headers are included in the response.
export function ErrorBoundary() {
  const error = useRouteError();
  return notInAdmin(error) ?? boundary.error(error);
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
