// tracking-core.js and tracking.js, loaded the way a page loads them but in a bare V8 context (no DOM):
// their pure helpers, and the two ways they export themselves. Rendering into a real page is left to the
// Chromium suite; `put` is checked here against a hand-made stand-in for the DOM.
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { EXTENSION_ROOT } from "../support/liquid";

const CORE = fs.readFileSync(path.join(EXTENSION_ROOT, "assets", "tracking-core.js"), "utf8");
const PAGE = fs.readFileSync(path.join(EXTENSION_ROOT, "assets", "tracking.js"), "utf8");

interface Progress {
  now: number;
  max: number;
  steps: string[];
  text: string;
}
interface Core {
  fill(t: string, v: Record<string, unknown>): string;
  progress(stage: unknown, kind: string, sub: string, label: string, names: string[], tpl: string): Progress;
  formatDate(v: string, locale?: string, opts?: Intl.DateTimeFormatOptions): string;
  formatWindow(e: { start: string; end: string } | null, locale?: string): string;
  formatMoney(amount: unknown, currency: string, locale?: string): string;
  place(p: unknown): string;
  safeUrl(u: unknown): string;
  newestFirst<T extends { at: string }>(events: T[]): T[];
  errorText(res: unknown, S: Record<string, string>): string;
  put<N>(node: N, v: Record<string, unknown>): N;
  render: unknown;
}
interface Request {
  url: string;
  method: string;
  body: string | null;
}
interface Page {
  lookupRequest(
    proxy: string | undefined,
    q: Record<string, string>,
    opts?: Record<string, string | undefined>,
  ): Request;
  eventsUrl(proxy: string): string;
  cartPayload(
    variant: unknown,
    order: string | null,
  ): { items: { id: number | null; quantity: number; properties: Record<string, string> }[] };
  eventPayload(
    kind: string,
    order: string | null,
    ids: string[],
    visitor: string | null,
    action?: string,
  ): Record<string, unknown>;
  visitor(w: unknown): string | null;
  mount: unknown;
  boot: unknown;
}

/** Runs a script as Node would `require` it: `module` defined, no `self`. */
function asModule<T>(src: string): T {
  const mod = { exports: {} as unknown };
  vm.runInNewContext(src, { module: mod, URLSearchParams }, { filename: "tracking.js" });
  return mod.exports as T;
}

const core = asModule<Core>(CORE);
const page = asModule<(c: Core) => Page>(PAGE)(core);
const NAMES = ["Confirmed", "Packed", "On its way", "Delivery", "Return"];
const TPL = "Step {step} of {total}: {stage}. {status}";

describe("exports", () => {
  it("exports plain functions under Node, without touching a page", () => {
    expect(Object.keys(core).sort()).toEqual(
      [
        "errorText",
        "fill",
        "formatDate",
        "formatMoney",
        "formatWindow",
        "newestFirst",
        "place",
        "progress",
        "put",
        "render",
        "safeUrl",
      ].sort(),
    );
    expect(typeof asModule<unknown>(PAGE)).toBe("function");
  });

  it("in a browser, puts both halves on window.WaypointTracking and boots once the DOM is there", () => {
    const found: string[] = [];
    const document = {
      readyState: "interactive",
      querySelectorAll: (sel: string) => {
        found.push(sel);
        return [];
      },
    };
    const self: Record<string, unknown> = { document };
    const context = vm.createContext({ self, URLSearchParams });
    vm.runInContext(CORE, context);
    vm.runInContext(PAGE, context);
    const api = self.WaypointTracking as Core & Page;
    expect(typeof api.formatWindow).toBe("function");
    expect(typeof api.mount).toBe("function");
    expect(typeof api.lookupRequest).toBe("function");
    expect(found).toEqual(["[data-waypoint-tracking]"]);
    // Loaded twice (two blocks, or the proxy page and a block): the second copy does nothing.
    vm.runInContext(PAGE, context);
    expect(found).toHaveLength(1);
  });

  it("waits for DOMContentLoaded when the document is still loading", () => {
    const listeners: string[] = [];
    const document = {
      readyState: "loading",
      addEventListener: (e: string) => listeners.push(e),
      querySelectorAll: () => [],
    };
    const self: Record<string, unknown> = { document };
    const context = vm.createContext({ self, URLSearchParams });
    vm.runInContext(CORE, context);
    vm.runInContext(PAGE, context);
    expect(listeners).toEqual(["DOMContentLoaded"]);
  });
});

describe("progress", () => {
  it("shows outbound parcels on four steps, the current one named in the valuetext", () => {
    const p = core.progress(3, "outbound", "in_transit", "In transit", NAMES, TPL);
    expect(p).toMatchObject({ now: 3, max: 4, steps: ["done", "done", "current", "todo"] });
    expect(p.text).toBe("Step 3 of 4: On its way. In transit");
  });

  it("completes the bar once delivered, and uses all five steps for returns", () => {
    expect(core.progress(4, "outbound", "delivered", "Delivered", NAMES, TPL).steps).toEqual([
      "done",
      "done",
      "done",
      "done",
    ]);
    expect(core.progress(4, "outbound", "out_for_delivery", "Out for delivery", NAMES, TPL).steps[3]).toBe("current");
    const ret = core.progress(5, "return", "return_requested", "Return requested", NAMES, TPL);
    expect(ret).toMatchObject({ now: 5, max: 5 });
    expect(ret.steps).toEqual(["done", "done", "done", "done", "current"]);
    expect(core.progress(5, "return", "refunded", "Refunded", NAMES, TPL).steps[4]).toBe("done");
  });

  it("never leaves the bar's range, whatever stage arrives", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.double(), fc.constant(null), fc.string()),
        fc.constantFrom("outbound", "return"),
        (stage, kind) => {
          const p = core.progress(stage, kind, "", "", NAMES, TPL);
          expect(p.now).toBeGreaterThanOrEqual(1);
          expect(p.now).toBeLessThanOrEqual(p.max);
          expect(p.steps).toHaveLength(p.max);
          expect(p.steps.filter((s) => s === "current")).toHaveLength(1);
        },
      ),
    );
  });

  it("drops a trailing separator when the status label is empty", () => {
    expect(core.progress(1, "outbound", "confirmed", "", NAMES, TPL).text).toBe("Step 1 of 4: Confirmed");
  });
});

describe("formatting", () => {
  const tz = process.env.TZ;
  afterEach(() => {
    process.env.TZ = tz;
  });

  it("formats the delivery window in the shopper's language", () => {
    const en = core.formatWindow({ start: "2026-03-04", end: "2026-03-06" }, "en-GB");
    const fr = core.formatWindow({ start: "2026-03-04", end: "2026-03-06" }, "fr");
    expect(en).toMatch(/4/);
    expect(en).toMatch(/6/);
    expect(en).toMatch(/Mar/);
    expect(fr).toMatch(/mars/);
    expect(fr).not.toBe(en);
  });

  it("shows one day when the window is one day, and orders a reversed window", () => {
    const one = core.formatWindow({ start: "2026-03-04", end: "2026-03-04" }, "en-GB");
    expect(one).toBe(
      new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }).format(
        new Date("2026-03-04"),
      ),
    );
    expect(core.formatWindow({ start: "2026-03-06", end: "2026-03-04" }, "en-GB")).toBe(
      core.formatWindow({ start: "2026-03-04", end: "2026-03-06" }, "en-GB"),
    );
    expect(core.formatWindow(null)).toBe("");
    expect(core.formatWindow({ start: "nope", end: "" })).toBe("");
  });

  it("keeps a calendar date on its day west of UTC", () => {
    process.env.TZ = "America/Los_Angeles";
    expect(core.formatWindow({ start: "2026-03-04", end: "2026-03-04" }, "en-US")).toMatch(/\b4\b/);
    expect(core.formatDate("2026-03-04", "en-US", { day: "numeric" })).toBe("4");
    // A full timestamp is an instant: shown in the shopper's own time zone.
    expect(core.formatDate("2026-03-04T03:00:00Z", "en-US", { day: "numeric" })).toBe("3");
  });

  it("survives a bad lang attribute", () => {
    expect(core.formatDate("2026-03-04T10:00:00Z", "not a locale!")).not.toBe("");
  });

  it("formats prices with Intl, and gives up quietly on nonsense", () => {
    expect(core.formatMoney("19.99", "EUR", "fr")).toMatch(/19,99\s€/);
    expect(core.formatMoney("19.99", "USD", "en-US")).toBe("$19.99");
    expect(core.formatMoney("", "USD", "en")).toBe("");
    expect(core.formatMoney("abc", "USD", "en")).toBe("");
    expect(core.formatMoney("5", "NOT-A-CODE", "en")).toBe("5.00 NOT-A-CODE");
  });

  it("shows masked destinations as city and region", () => {
    expect(core.place({ city: "Lyon", region: "Auvergne-Rhône-Alpes", country: "FR" })).toBe(
      "Lyon, Auvergne-Rhône-Alpes",
    );
    expect(core.place({ city: null, region: null, country: "FR" })).toBe("FR");
    expect(core.place("Memphis, TN")).toBe("Memphis, TN");
    expect(core.place(null)).toBe("");
  });

  it("fills {placeholders} and blanks the ones it has no value for", () => {
    expect(core.fill("Package {n} of {total}", { n: 1, total: 2 })).toBe("Package 1 of 2");
    expect(core.fill("Track with {carrier}", { carrier: null })).toBe("Track with ");
    expect(core.fill("<b>{x}</b>", { x: "<i>" })).toBe("<b><i></b>"); // plain text: it only ever meets textContent
  });

  it("lists events newest first", () => {
    const ev = [{ at: "2026-03-01T10:00:00Z" }, { at: "2026-03-03T10:00:00Z" }, { at: "2026-03-02T10:00:00Z" }];
    expect(core.newestFirst(ev).map((e) => e.at.slice(8, 10))).toEqual(["03", "02", "01"]);
    expect(ev[0]?.at.slice(8, 10)).toBe("01"); // the input is left alone
  });

  it("explains a failed lookup by its reason, or with the app's message", () => {
    const S = { not_found: "Not found", rate_limited: "Slow down", invalid: "Check" };
    expect(core.errorText({ found: false, reason: "rate_limited", message: "x" }, S)).toBe("Slow down");
    expect(core.errorText({ found: false, reason: "teapot", message: "From the app" }, S)).toBe("From the app");
    expect(core.errorText(null, S)).toBe("Check");
  });
});

describe("URLs from the JSON", () => {
  it("lets through web and same-site URLs only", () => {
    for (const ok of [
      "https://www.ups.com/track?tracknum=1Z",
      "http://carrier.example/t",
      "//cdn.shopify.com/x.jpg",
      "/products/mug",
    ]) {
      expect(core.safeUrl(ok)).toBe(ok);
    }
    for (const bad of [
      "javascript:alert(1)",
      " JAVASCRIPT:alert(1)",
      "data:text/html,<b>",
      "/\\evil.example",
      "///evil",
      "vbscript:x",
      "",
      null,
    ]) {
      expect(core.safeUrl(bad)).toBe("");
    }
  });

  it("never answers with anything but an http(s) or same-site URL", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.webUrl(), fc.constantFrom("javascript:", "data:", "\tjavascript:x")),
        (u) => {
          const out = core.safeUrl(u);
          expect(out === "" || /^(https?:)?\/\/[^/\\]/i.test(out) || /^\/[^/\\]/.test(out) || out === "/").toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("lookups, cart and beacons", () => {
  const opts = { locale: "fr", recs: "collection", collection: "summer-sale" };

  it("opens an order from a ?token= link", () => {
    const r = page.lookupRequest("/fr/apps/track", { token: "tok/en+1" }, opts);
    expect(r).toEqual({
      url: "/fr/apps/track/api/token/tok%2Fen%2B1?locale=fr&recs=collection&collection=summer-sale",
      method: "GET",
      body: null,
    });
  });

  it("looks up a tracking number with GET", () => {
    const r = page.lookupRequest("/apps/track/", { tracking: " 1Z999AA10123456784 " }, { recs: "off" });
    expect(r).toEqual({
      url: "/apps/track/api/lookup?recs=off&tracking=1Z999AA10123456784",
      method: "GET",
      body: null,
    });
  });

  it("posts order number with email, or with phone", () => {
    const email = page.lookupRequest("/apps/track", { order: " #1001 ", contact: " ana@example.com " });
    expect(email).toMatchObject({ url: "/apps/track/api/lookup", method: "POST" });
    expect(JSON.parse(email.body as string)).toEqual({ order: "#1001", email: "ana@example.com" });
    const phone = page.lookupRequest(undefined, { order: "1001", contact: "+44 7700 900123" });
    expect(phone.url).toBe("/apps/track/api/lookup");
    expect(JSON.parse(phone.body as string)).toEqual({ order: "1001", phone: "+44 7700 900123" });
  });

  it("sends beacons to the events endpoint", () => {
    expect(page.eventsUrl("/fr/apps/track")).toBe("/fr/apps/track/api/events");
    expect(page.eventPayload("rec_click", "#1001", ["gid://shopify/Product/1"], "v1", "add_to_cart")).toEqual({
      kind: "rec_click",
      order: "#1001",
      productIds: ["gid://shopify/Product/1"],
      source: "tracking_page",
      action: "add_to_cart",
      visitorId: "v1",
    });
    expect(page.eventPayload("rec_impression", null, ["1", "2"], null)).toEqual({
      kind: "rec_impression",
      order: null,
      productIds: ["1", "2"],
      source: "tracking_page",
    });
  });

  it("adds to the cart with hidden attribution properties", () => {
    expect(page.cartPayload("gid://shopify/ProductVariant/4455667788", "#1001")).toEqual({
      items: [
        { id: 4455667788, quantity: 1, properties: { _waypoint_source: "tracking_page", _waypoint_order: "#1001" } },
      ],
    });
    expect(page.cartPayload("123", null).items[0]?.id).toBe(123);
    for (const k of Object.keys(page.cartPayload("1", "#1").items[0]?.properties ?? {}))
      expect(k.startsWith("_")).toBe(true);
  });

  it("keeps a visitor id only when the shopper allows analytics", () => {
    const store = new Map<string, string>();
    const localStorage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    };
    const first = page.visitor({ localStorage });
    expect(first).toMatch(/^[a-z0-9]{8,}$/);
    expect(page.visitor({ localStorage })).toBe(first);
    const denied = { localStorage, Shopify: { customerPrivacy: { analyticsProcessingAllowed: () => false } } };
    expect(page.visitor(denied)).toBeNull();
    expect(
      page.visitor({
        get localStorage(): never {
          throw new Error("blocked");
        },
      }),
    ).toBeNull();
  });
});

describe("put: filling a template", () => {
  /** The little of the DOM that put touches. */
  class El {
    hidden = false;
    textContent: string;
    attrs: Record<string, string> = {};
    dataset: Record<string, string>;
    parentNode: El | null;
    constructor(
      public tagName: string,
      f: string | null,
      text = "",
      parent?: El,
      wrapper = false,
    ) {
      this.dataset = f ? { f } : {};
      this.textContent = text;
      this.parentNode = parent ?? (tagName === "DIV" ? null : new El("DIV", null));
      if (wrapper) this.attrs["data-w"] = "";
    }
    setAttribute(k: string, v: string): void {
      this.attrs[k] = v;
    }
    hasAttribute(k: string): boolean {
      return k in this.attrs;
    }
  }

  it("sets text, checks URLs, and hides what has no value", () => {
    const row = new El("DIV", null, "", undefined, true);
    const fields = {
      title: new El("H3", "title"),
      carrier: new El("DD", "carrier", "", row),
      link: new El("A", "link"),
      image: new El("IMG", "image"),
      attention: new El("P", "attention", "We're looking into it."),
      untouched: new El("P", "untouched", "as rendered"),
    };
    const node = { querySelectorAll: () => Object.values(fields) };
    core.put(node, {
      title: "<img src=x onerror=alert(1)>",
      carrier: "",
      link: "javascript:alert(1)",
      image: "https://cdn.shopify.com/a.jpg",
      attention: true,
    });
    expect(fields.title.textContent).toBe("<img src=x onerror=alert(1)>"); // as text, never markup
    expect(row.hidden).toBe(true); // the <dt>/<dd> pair goes together
    expect(fields.carrier.hidden).toBe(false);
    expect(fields.link.hidden).toBe(true);
    expect(fields.link.attrs.href).toBeUndefined();
    expect(fields.image.attrs.src).toBe("https://cdn.shopify.com/a.jpg");
    expect(fields.attention.textContent).toBe("We're looking into it.");
    expect(fields.attention.hidden).toBe(false);
    expect(fields.untouched).toMatchObject({ hidden: false, textContent: "as rendered" });
  });

  it("never uses innerHTML or insertAdjacentHTML", () => {
    const code = (src: string): string => src.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    for (const src of [CORE, PAGE]) {
      expect(code(src)).toContain("textContent");
      expect(code(src)).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
    }
  });
});
