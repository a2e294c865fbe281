// Admin UI extension (API 2025-10, Preact + Polaris web components) on Shopify's order details page.
// It shows Waypoint's stage for the order and each shipment's timeline with the storefront's labels.
//
// fetch() to the app's own URL gets the session token (an OpenID Connect ID token) as a Bearer
// header automatically; the app route verifies it with authenticate.admin. Relative URLs resolve
// against the app_url in shopify.app.toml.
//
// Loosely typed on purpose: Shopify's extension build (`shopify app build`) compiles this file with
// its own toolchain; the app's tsc and ESLint do not see .jsx files.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";

export default async () => {
  render(<Extension />, document.body);
};

/** "gid://shopify/Order/123" → "123" */
function numericId(gid) {
  const match = /(\d+)$/.exec(String(gid ?? ""));
  return match ? match[1] : null;
}

function formatAt(iso) {
  try {
    return new Intl.DateTimeFormat(shopify.i18n?.locale ?? "en", { dateStyle: "medium", timeStyle: "short" }).format(
      new Date(iso),
    );
  } catch {
    return iso;
  }
}

function Extension() {
  const { i18n, data } = shopify;
  const orderId = numericId(data.selected?.[0]?.id);
  const [state, setState] = useState({ status: "loading", tracking: null });

  useEffect(() => {
    if (!orderId) {
      setState({ status: "missing", tracking: null });
      return;
    }
    let cancelled = false;
    // The admin's language, so the statuses and timeline come translated like the block's own strings.
    fetch(`/api/order-tracking/${orderId}?locale=${encodeURIComponent(i18n.locale ?? "en")}`)
      .then(async (res) => {
        if (res.status === 404) return { status: "missing", tracking: null };
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        return { status: "ready", tracking: await res.json() };
      })
      .catch(() => ({ status: "error", tracking: null }))
      .then((next) => {
        if (!cancelled) setState(next);
      });
    return () => {
      cancelled = true;
    };
  }, [orderId, i18n.locale]);

  if (state.status === "loading") {
    return (
      <s-admin-block heading={i18n.translate("heading")}>
        <s-stack direction="inline" gap="small-200" alignItems="center">
          <s-spinner accessibilityLabel={i18n.translate("loading")} />
          <s-text>{i18n.translate("loading")}</s-text>
        </s-stack>
      </s-admin-block>
    );
  }
  if (state.status !== "ready") {
    return (
      <s-admin-block heading={i18n.translate("heading")}>
        <s-text color="subdued">{i18n.translate(state.status === "error" ? "error" : "notTracked")}</s-text>
      </s-admin-block>
    );
  }

  const t = state.tracking;
  return (
    <s-admin-block heading={i18n.translate("heading")}>
      <s-stack direction="block" gap="base">
        <s-stack direction="inline" gap="small-200" alignItems="center">
          <s-badge tone={t.stage >= 4 ? "success" : "info"}>{t.statusLabel}</s-badge>
          {t.window ? (
            <s-text color="subdued">{`${formatAt(t.window.start)} – ${formatAt(t.window.end)}`}</s-text>
          ) : null}
        </s-stack>
        {t.shipments.map((s) => (
          <s-section key={s.id} heading={[s.name, s.carrier, s.trackingNumber].filter(Boolean).join(" · ")}>
            <s-stack direction="block" gap="small-200">
              <s-stack direction="inline" gap="small-200">
                <s-badge>{s.statusLabel}</s-badge>
                {s.delayed ? <s-badge tone="warning">{i18n.translate("delayed")}</s-badge> : null}
              </s-stack>
              {s.timeline.length === 0 ? <s-text color="subdued">{i18n.translate("noUpdates")}</s-text> : null}
              {s.timeline.map((e, i) => (
                <s-stack key={`${e.at}-${i}`} direction="block" gap="none">
                  <s-text type={i === 0 ? "strong" : "generic"}>{e.label}</s-text>
                  <s-text color="subdued">{[formatAt(e.at), e.location].filter(Boolean).join(" · ")}</s-text>
                </s-stack>
              ))}
            </s-stack>
          </s-section>
        ))}
        {t.shipments[0] ? <s-link href={`app:${t.appUrl}`}>{i18n.translate("openInApp")}</s-link> : null}
      </s-stack>
    </s-admin-block>
  );
}
