/* Waypoint order tracking, view part: formatting, and rendering the lookup JSON (typed in tracking.js) into
   the snippet's <template>s; data goes in as textContent or checked URLs, never innerHTML.
   Plain ES2018, no build step, loaded with defer before tracking.js; each script stays under 10,000 bytes.
   Exports: module.exports under Node (tests), window.WaypointTracking in browsers.
   Also read (CONTRACT.md): data.returns[], parcels' statusDetail, events' detail. */
((root, api) => {
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else if (root) root.WaypointTracking = Object.assign(root.WaypointTracking || {}, api);
})(typeof self !== "undefined" ? self : null, (() => {
  "use strict";
  const DAY = { weekday: "short", day: "numeric", month: "short" };
  const WHEN = { day: "numeric", month: "short", hour: "numeric", minute: "2-digit" };
  const COMPLETE = /^(delivered|picked_up|return_received|refunded)$/;

  /** fill("Step {n}", {n: 2}) -> "Step 2"; a name without a value becomes "". */
  const fill = (t, v) => String(t || "").replace(/\{(\w+)\}/g, (_, k) => (v[k] == null ? "" : v[k]));

  // Progress: outbound parcels end at delivery (4 steps), returns (stage 5) show five. A step is done
  // once passed, or when current and the sub-status completes it.
  const progress = (stage, kind, subStatus, label, names, template) => {
    let s = Math.round(stage);
    if (!(s >= 1 && s <= 5)) s = 1;
    const max = kind === "return" || s === 5 ? 5 : 4;
    const done = COMPLETE.test(subStatus);
    const steps = names.slice(0, max).map((_, i) => (i + 1 < s || (i + 1 === s && done) ? "done" : i + 1 === s ? "current" : "todo"));
    const text = fill(template, { step: s, total: max, stage: names[s - 1], status: label });
    return { now: s, max, steps, text: text.replace(/[\s.:]+$/, "") };
  };

  const toDate = (v) => (v && !isNaN(new Date(v)) ? new Date(v) : null);

  // A bare date ("2026-03-04") is a day, not UTC midnight: format it in UTC so it never shifts.
  const dtf = (locale, options, value) => {
    const o = /^\d{4}-\d\d-\d\d$/.test(value) ? Object.assign({ timeZone: "UTC" }, options) : options;
    try {
      return new Intl.DateTimeFormat(locale || undefined, o);
    } catch (_) {
      return new Intl.DateTimeFormat(undefined, o);
    }
  };

  const formatDate = (v, locale, options = WHEN) => (toDate(v) ? dtf(locale, options, v).format(toDate(v)) : "");

  /** The delivery window, e.g. "Wed 4 – Fri 6 Mar", or one day. */
  const formatWindow = (estimate, locale) => {
    const a = toDate(estimate && estimate.start), b = toDate(estimate && estimate.end);
    if (!a || !b) return a || b ? formatDate(a ? estimate.start : estimate.end, locale, DAY) : "";
    if (b < a) return formatWindow({ start: estimate.end, end: estimate.start }, locale);
    const f = dtf(locale, DAY, estimate.start), x = f.format(a), y = f.format(b);
    return x === y ? x : f.formatRange ? f.formatRange(a, b) : `${x} – ${y}`;
  };

  const formatMoney = (amount, currency, locale) => {
    if (amount == null || amount === "" || !isFinite(amount)) return "";
    try {
      return new Intl.NumberFormat(locale || undefined, { style: "currency", currency }).format(amount);
    } catch (_) {
      return `${Number(amount).toFixed(2)} ${currency || ""}`.trim();
    }
  };

  /** "City, Region" (destinations come masked to that), else the country. */
  const place = (p) => (!p || typeof p === "string" ? p || "" : [p.city, p.region].filter(Boolean).join(", ") || p.country || "");

  /** Only http(s), protocol-relative or same-site URLs: never javascript: or data:. */
  const safeUrl = (u) => {
    const s = String(u || "").trim();
    return /^(https?:)?\/\/[^/\\]/i.test(s) || /^\/(?![/\\])/.test(s) ? s : "";
  };

  const newestFirst = (events) =>
    (events || []).slice().sort((a, b) => (toDate(b.at) || 0) - (toDate(a.at) || 0));

  /** Message for a failed lookup: ours for the reason, else the app's. */
  const errorText = (res, S) => (res && (S[res.reason] || res.message)) || S.invalid || "";

  // Fill a cloned template: [data-f=k] gets v[k] as text (true keeps the template's), or a checked
  // href/src on <a>/<img>; empty hides it (or its [data-w] wrapper); keys not in v are left alone.
  const put = (node, v) => {
    for (const el of node.querySelectorAll("[data-f]")) {
      const k = el.dataset.f;
      if (!(k in v)) continue;
      const attr = { A: "href", IMG: "src" }[el.tagName], x = attr ? safeUrl(v[k]) : v[k];
      if (x == null || x === false || x === "") (el.parentNode.hasAttribute("data-w") ? el.parentNode : el).hidden = true;
      else if (attr) el.setAttribute(attr, x);
      else if (x !== true) el.textContent = x;
    }
    return node;
  };

  /** Renders a found lookup from root's templates into a detached element. */
  const render = (root, data, S, locale) => {
    const tpl = (name) => root.querySelector(`template[data-wpt-tpl=${name}]`).content.firstElementChild.cloneNode(true);
    const append = (node, slot, child) => node.querySelector(`[data-slot=${slot}]`).appendChild(child);
    // p: progress() for a parcel, or a return's steps as the app worked them out (the names are the template's).
    const bar = (node, stage, kind, subStatus, label, r) => {
      const el = node.querySelector("[role=progressbar]"), items = [...el.querySelectorAll("li")];
      const names = items.map((li) => li.textContent.trim());
      const n = names.length, p = r
        ? { now: r.step, max: n, steps: r.steps, text: fill(S.progress, { step: r.step, total: n, stage: names[r.step - 1], status: label }) }
        : progress(stage, kind, subStatus, label, names, S.progress);
      for (const k of ["now", "max", "text"]) el.setAttribute(`aria-value${k}`, p[k]);
      items.forEach((li, i) => {
        li.hidden = i >= p.max;
        li.className = `wpt__step is-${p.steps[i] || "todo"}`;
      });
    };
    // A parcel's or return's scans and items.
    const history = (node, s) => {
      for (const e of newestFirst(s.events)) {
        const li = put(tpl("event"), { time: formatDate(e.at, locale), label: e.label || e.status, detail: e.detail, place: place(e.location) });
        li.querySelector("time").setAttribute("datetime", e.at);
        append(node, "events", li);
      }
      for (const it of s.items || []) {
        append(node, "items", put(tpl("item"), { image: it.image, title: it.title, qty: fill(S.quantity, { n: it.quantity }) }));
      }
      return node;
    };

    // scope "parcel" (a tracking number alone): that parcel only, under its number; no order fields.
    const parcel = data.scope === "parcel" && (data.parcel || {});
    const order = (!parcel && data.order) || {}, ships = parcel ? [parcel] : data.shipments || [];
    const recs = (!parcel && data.recommendations) || [], waiting = !parcel && !ships.length && !order.cancelled;
    const out = put(tpl("order"), {
      title: parcel ? fill(S.parcel, { tracking: parcel.trackingNumber }) : fill(S.order, { order: order.name }),
      placed: toDate(order.placedAt) && fill(S.placed, { date: formatDate(order.placedAt, locale, { dateStyle: "long" }) }),
      status: order.statusLabel,
      cancelled: !!order.cancelled,
      waiting,
      recs: recs.length > 0,
      returns: !parcel && !!(data.returns || []).length,
    });
    if (waiting) bar(out, order.stage, "outbound", order.status, order.statusLabel);

    const parcelFields = (s) => ({
      status: s.statusLabel,
      carrier: s.carrier,
      tracking: s.trackingNumber,
      link: s.carrierUrl,
      linkText: fill(S.carrierLink, { carrier: s.carrier }),
      noEvents: !(s.events || []).length,
    });
    ships.forEach((s, i) => {
      const range = formatWindow(s.estimate, locale);
      const source = s.estimate && s.estimate.source === "carrier" ? S.carrierEstimate : S.predictedEstimate;
      const node = put(tpl("shipment"), Object.assign(parcelFields(s), {
        title: s.kind === "return" ? S.returnPackage : ships.length > 1 && fill(S.package, { n: i + 1, total: ships.length }),
        delay: s.delayed && (s.delayNotice || S.delayed),
        attention: !!s.needsAttention,
        detail: s.statusDetail,
        estimate: range && `${range} (${source})`,
        destination: place(s.destination),
      }));
      bar(node, s.stage, s.kind, s.subStatus, s.statusLabel);
      append(out, "shipments", history(node, s));
    });

    // Returns: a journey of their own (never "Package n of m"); the wording is the snippet's.
    for (const r of (!parcel && data.returns) || []) {
      const node = put(tpl("return"), Object.assign(parcelFields(r), {
        title: fill(S.returnTitle, { name: r.name }).trim(),
        journey: r.steps.length > 0,
        note: r.note,
        refund: r.refund && fill(S.refunded, r.refund),
        print: r.labelUrl,
      }));
      if (r.steps.length) bar(node, 0, "", "", r.statusLabel, r);
      append(out, "returns", history(node, r));
    }

    recs.forEach((r, i) => {
      const node = put(tpl("rec"), { url: r.url, image: r.image, title: r.title, price: formatMoney(r.price, r.currency, locale) });
      const id = `${root.id}-rec-${i}`, button = node.querySelector("[data-add]");
      node.querySelector("[data-f=title]").id = id;
      button.setAttribute("aria-describedby", id);
      Object.assign(button.dataset, { variant: r.variantId, product: r.productId });
      node.querySelector("a").dataset.product = r.productId;
      append(out, "recs", node);
    });
    return out;
  };

  return {
    fill, progress, formatDate, formatWindow, formatMoney, place, safeUrl, newestFirst,
    errorText, put, render,
  };
})());
