/* Waypoint order tracking, page part: lookups (forms and ?token= links), add to cart, analytics beacons.
   Plain ES2018, no build step, loaded with defer after tracking-core.js, which it extends on
   window.WaypointTracking. Under Node (tests) it exports a factory taking the core, touching no page. */
/**
 * What the app proxy answers (/apps/track/api/lookup and /api/token/<token>); CONTRACT.md has the details.
 * @typedef {{found: true, scope?: "order", order: Order, shipments: Shipment[], recommendations: Rec[], locale: string}
 *   | {found: true, scope: "parcel", parcel: Parcel, hint: string, locale: string}
 *   | {found: false, reason: "not_found" | "rate_limited" | "invalid", message: string}} Lookup
 * @typedef {{name: string, placedAt: string, stage: 1|2|3|4|5, status: string, statusLabel: string, cancelled: boolean}} Order
 * @typedef {{stage: 1|2|3|4|5, subStatus: string, statusLabel: string, carrier: ?string, trackingNumber: ?string,
 *   carrierUrl: ?string, estimate: ?{start: string, end: string, source: "carrier" | "predicted"},
 *   events: {at: string, status: string, label: string, location: ?string}[]}} Parcel
 * @typedef {Parcel & {id: string, kind: "outbound" | "return", delayed: boolean, delayNotice?: string,
 *   needsAttention: boolean, destination: {city: ?string, region: ?string, country: ?string},
 *   items: {title: string, quantity: number, image: ?string}[]}} Shipment
 * @typedef {{productId: string, variantId: string, title: string, url: string, image: ?string,
 *   price: string, currency: string}} Rec
 */
((root, factory) => {
  if (typeof module !== "undefined" && module.exports) module.exports = factory;
  else if (root && root.WaypointTracking && !root.WaypointTracking.mount) {
    Object.assign(root.WaypointTracking, factory(root.WaypointTracking)).boot(root.document);
  }
})(typeof self !== "undefined" ? self : null, (core) => {
  "use strict";
  let tokenUsed = false;

  const apiUrl = (proxy) => `${String(proxy || "/apps/track").replace(/\/+$/, "")}/api/`;
  const eventsUrl = (proxy) => `${apiUrl(proxy)}events`;

  // Lookup by {token} (email/SMS links), {tracking} or {order, contact}; contact is an email if it has
  // an "@", else a phone. opts {locale, recs, collection} go in the query.
  const lookupRequest = (proxy, query, opts = {}) => {
    const params = new URLSearchParams();
    for (const k of ["locale", "recs", "collection"]) if (opts[k]) params.set(k, opts[k]);
    let path = "lookup", body = null;
    if (query.token) path = `token/${encodeURIComponent(query.token)}`;
    else if (query.tracking) params.set("tracking", String(query.tracking).trim());
    else {
      const contact = String(query.contact || "").trim();
      const key = contact.includes("@") ? "email" : "phone";
      body = JSON.stringify({ order: String(query.order || "").trim(), [key]: contact });
    }
    const qs = String(params);
    return { url: apiUrl(proxy) + path + (qs ? `?${qs}` : ""), method: body ? "POST" : "GET", body };
  };

  // /cart/add.js body. Underscored properties are hidden at checkout; the app attributes orders by them.
  const cartPayload = (variantId, orderName) => {
    const m = String(variantId || "").match(/\d+$/); // a number or a gid://shopify/ProductVariant/123
    const properties = { _waypoint_source: "tracking_page", _waypoint_order: orderName || "" };
    return { items: [{ id: m ? Number(m[0]) : null, quantity: 1, properties }] };
  };

  // Analytics beacon body for /apps/track/api/events (kind: rec_impression | rec_click).
  const eventPayload = (kind, order, productIds, visitorId, action) => {
    const p = { kind, order: order || null, productIds: productIds || [], source: "tracking_page" };
    if (action) p.action = action;
    if (visitorId) p.visitorId = visitorId;
    return p;
  };

  // A random per-browser id (not personal data), only when the shopper's privacy choice allows analytics.
  const visitor = (w) => {
    const privacy = w.Shopify && w.Shopify.customerPrivacy;
    if (privacy && privacy.analyticsProcessingAllowed && !privacy.analyticsProcessingAllowed()) return null;
    try {
      let id = w.localStorage.getItem("wpt_vid");
      if (!id) {
        id = Math.random().toString(36).slice(2) + Date.now().toString(36);
        w.localStorage.setItem("wpt_vid", id);
      }
      return id;
    } catch (_) {
      return null;
    }
  };

  const mount = (root) => {
    if (root.hasAttribute("data-wpt-ready")) return;
    root.setAttribute("data-wpt-ready", "");
    const d = root.ownerDocument, w = d.defaultView, ds = root.dataset;
    const $ = (s) => root.querySelector(`[data-wpt-${s}]`);
    const status = $("status"), result = $("result"), forms = $("forms"), hint = $("parcel-hint");
    const headers = { Accept: "application/json", "Content-Type": "application/json" };
    const S = { ...$("strings").dataset }; // data-carrier-link -> S.carrierLink
    let order = null;

    // The live region: visible for progress and errors; a found result is announced but not shown twice.
    const say = (message, quiet) => {
      status.textContent = message || "";
      status.classList.toggle("wpt-vh", !!quiet);
    };

    const send = (kind, productIds, action) => {
      const url = eventsUrl(ds.proxy);
      const body = JSON.stringify(eventPayload(kind, order, productIds, visitor(w), action));
      try {
        if (!(w.navigator.sendBeacon && w.navigator.sendBeacon(url, body))) {
          w.fetch(url, { method: "POST", body, keepalive: true, credentials: "same-origin" });
        }
      } catch (_) { /* analytics never break the page */ }
    };

    const show = (data, moveFocus) => {
      if (!data || data.found !== true) return say(core.errorText(data, S));
      const parcel = data.scope === "parcel";
      order = parcel ? null : data.order.name;
      const recs = (!parcel && data.recommendations) || [];
      result.textContent = "";
      result.appendChild(core.render(root, data, S, d.documentElement.lang || data.locale || ds.locale));
      result.hidden = false;
      // A parcel alone: the forms stay, the order form with its hint.
      forms.hidden = !parcel;
      hint.hidden = !parcel;
      const h = result.querySelector("h3");
      say(parcel ? `${h.textContent}: ${data.parcel.statusLabel}` : core.fill(S.found, { order, status: data.order.statusLabel }), true);
      if (moveFocus) h.focus();
      if (!recs.length) return;
      // One impression per result, once the recommendations are actually on screen.
      const seen = () => send("rec_impression", recs.map((r) => r.productId));
      if (!w.IntersectionObserver) return seen();
      const io = new w.IntersectionObserver((entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        io.disconnect();
        seen();
      });
      io.observe(result.querySelector(".wpt__recs"));
    };

    const lookup = (query, button) => {
      const r = lookupRequest(ds.proxy, query, { locale: ds.locale, recs: ds.recs, collection: ds.recsCollection });
      const busy = (on) => {
        root.toggleAttribute("aria-busy", on);
        if (button) button.disabled = on;
      };
      say(S.loading);
      busy(true);
      return w.fetch(r.url, { method: r.method, body: r.body, headers, credentials: "same-origin" })
        .then((res) => res.json().catch(() => ({ found: false, reason: res.status === 429 ? "rate_limited" : "invalid" })))
        .then((data) => show(data, !!button), () => say(S.network))
        .then(() => busy(false));
    };

    const addToCart = (button) => {
      if (button.hasAttribute("aria-disabled")) return;
      const label = button.textContent, productId = button.dataset.product;
      button.setAttribute("aria-disabled", "true");
      button.textContent = S.adding;
      const body = JSON.stringify(cartPayload(button.dataset.variant, order));
      w.fetch(`${ds.cartAdd}.js`, { method: "POST", body, headers, credentials: "same-origin" })
        .then((res) => {
          if (!res.ok) throw new Error(`cart ${res.status}`);
          button.textContent = S.added;
          button.nextElementSibling.hidden = false; // "View cart"
          say(S.added, true);
          send("rec_click", [productId], "add_to_cart");
          d.dispatchEvent(new w.CustomEvent("waypoint:cart-added", { detail: { productId, order } }));
        })
        .catch(() => {
          button.removeAttribute("aria-disabled");
          button.textContent = label;
          say(S.addFailed);
        });
    };

    root.addEventListener("submit", (e) => {
      const form = e.target, f = form.elements;
      if (!form.dataset.wptForm) return;
      e.preventDefault();
      const query = f.tracking ? { tracking: f.tracking.value } : { order: f.order.value, contact: f.contact.value };
      lookup(query, form.querySelector("button"));
    });

    root.addEventListener("click", (e) => {
      const t = e.target.closest("a,button");
      if (!t) return;
      if (t.hasAttribute("data-wpt-again")) {
        result.hidden = true;
        forms.hidden = false;
        hint.hidden = true;
        say("");
        forms.querySelector("input").focus();
      } else if (t.hasAttribute("data-add")) addToCart(t);
      else if (t.dataset.product) send("rec_click", [t.dataset.product], "open");
    });

    // Links in tracking emails and texts carry ?token=...: open that order at once (first block only).
    const token = new URLSearchParams(w.location.search).get("token");
    if (token && !tokenUsed) {
      tokenUsed = true;
      lookup({ token });
    }
  };

  const boot = (doc) => {
    const start = () => doc.querySelectorAll("[data-waypoint-tracking]").forEach(mount);
    if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", start);
    else start();
  };

  return { lookupRequest, eventsUrl, cartPayload, eventPayload, visitor, mount, boot };
});
