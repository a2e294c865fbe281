// Merchant-edited email copy: the subject, heading and body of one milestone's email in one language,
// written in Liquid with a short list of safe variables. The engine is sandboxed: no file system or
// partials (an empty in-memory template map), only branching tags, a handful of text filters, own
// properties only, and limits on template size, render time and memory. Output is plain text: the email
// template escapes it like the default copy, so a merchant's "<b>" shows as text, never as markup.
import { Liquid } from "liquidjs";
import type { CopyParams, Messages } from "../copy/types";
import type { Milestone } from "../rules/policy";

/** The variables a merchant may use, with what each holds (shown beside the editor). */
export const COPY_VARIABLES = [
  "shop_name",
  "order_name",
  "first_name",
  "carrier",
  "tracking_link",
  "window",
  "new_estimate",
  "location",
  "refund_amount",
] as const;
export type CopyVariable = (typeof COPY_VARIABLES)[number];
export type CopyVariables = Record<CopyVariable, string | null>;

export const COPY_FIELDS = ["subject", "heading", "body"] as const;
export type CopyField = (typeof COPY_FIELDS)[number];
/** One milestone's copy in one language, as Liquid source. */
export type EditableCopy = Record<CopyField, string>;
export const COPY_MAX_LENGTH: Record<CopyField, number> = { subject: 200, heading: 200, body: 5000 };

/** Copy rendered for one message: the subject and heading on one line, the body as paragraphs. */
export interface RenderedCopy {
  subject: string;
  heading: string;
  body: string[];
}

// Branching only: no assign/capture (no state), no loops, no include/render/layout (no other templates).
const TAGS = new Set(["if", "unless", "case", "comment", "raw"]);
const FILTERS = new Set([
  "default",
  "upcase",
  "downcase",
  "capitalize",
  "strip",
  "lstrip",
  "rstrip",
  "append",
  "prepend",
  "replace",
  "replace_first",
  "remove",
  "remove_first",
  "truncate",
  "truncatewords",
  "size",
]);

let engine: Liquid | null = null;
function liquid(): Liquid {
  if (engine) return engine;
  const e = new Liquid({
    templates: {},
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    parseLimit: 20_000,
    renderLimit: 200,
    memoryLimit: 1_000_000,
  });
  for (const name of Object.keys(e.tags)) if (!TAGS.has(name)) delete e.tags[name];
  for (const name of Object.keys(e.filters)) if (!FILTERS.has(name)) delete e.filters[name];
  engine = e;
  return e;
}

const LABELS: Record<CopyField, string> = { subject: "Subject", heading: "Heading", body: "Body" };

/** A template's problem in one sentence naming the field; liquidjs's own position ("line:1, col:4") kept. */
function explain(field: CopyField, error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const message = raw
    .replace(/^undefined variable: ([\w.]+)/, (_m, v: string) => `unknown variable "${v}"`)
    .replace(/^undefined filter: (\w+)/, (_m, f: string) => `the filter "${f}" is not available`)
    .replace(/^tag "(\w+)" not found/, (_m, t: string) => `the tag "${t}" is not available`);
  return `${LABELS[field]}: ${message}`;
}

/**
 * Problems with a merchant's copy, by field (empty when it can be saved): too long, empty subject,
 * Liquid that does not parse, unknown variables, tags or filters, and any error rendering it with
 * `sample` (every variable set) and with only the always-present variables set.
 */
export function checkCopy(copy: EditableCopy, sample: CopyVariables): Partial<Record<CopyField, string>> {
  const errors: Partial<Record<CopyField, string>> = {};
  const known = new Set<string>(COPY_VARIABLES);
  const sparse: CopyVariables = { ...sample, first_name: null, carrier: null, window: null };
  for (const field of COPY_FIELDS) {
    const source = copy[field];
    if (source.length > COPY_MAX_LENGTH[field]) {
      errors[field] = `${LABELS[field]} must be at most ${COPY_MAX_LENGTH[field]} characters`;
      continue;
    }
    if (field === "subject" && source.trim() === "") {
      errors[field] = "Subject: enter a subject";
      continue;
    }
    try {
      const templates = liquid().parse(source);
      const unknown = liquid()
        .globalVariablesSync(templates)
        .find((v) => !known.has(v));
      if (unknown) {
        errors[field] = `${LABELS[field]}: unknown variable "${unknown}"; use ${COPY_VARIABLES.join(", ")}`;
        continue;
      }
      for (const vars of [sample, sparse]) liquid().renderSync(templates, vars);
      if (field === "subject" && oneLine(liquid().renderSync(templates, sample)) === "") {
        errors[field] = "Subject: it renders empty";
      }
    } catch (error) {
      errors[field] = explain(field, error);
    }
  }
  return errors;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Renders checked copy; throws (a liquidjs error) if it cannot, so the caller can fall back to the default. */
export function renderCopy(copy: EditableCopy, vars: CopyVariables): RenderedCopy {
  const render = (source: string) => String(liquid().parseAndRenderSync(source, vars));
  const body = render(copy.body)
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  return { subject: oneLine(render(copy.subject)).slice(0, 200), heading: oneLine(render(copy.heading)), body };
}

/** The variables of one message from the copy's parameters and the tracking link. */
export function copyVariables(p: CopyParams, trackingLink: string): CopyVariables {
  return {
    shop_name: p.shop,
    order_name: p.order,
    first_name: p.firstName ?? null,
    carrier: p.carrier ?? null,
    tracking_link: trackingLink,
    window: p.window ?? null,
    new_estimate: p.newEstimate ?? null,
    location: p.location ?? null,
    refund_amount: p.amount ?? null,
  };
}

// The default copy is code (copy/<locale>.ts, functions of CopyParams); the editor starts from it as
// Liquid. Each sentence is rendered with every optional value as its {{ variable }} and again with each
// one missing: where leaving one out changes the sentence, it becomes {% if v %}…{% else %}…{% endif %}.
const OPTIONAL: Array<[keyof CopyParams, CopyVariable]> = [
  ["firstName", "first_name"],
  ["carrier", "carrier"],
  ["window", "window"],
  ["newEstimate", "new_estimate"],
  ["location", "location"],
  ["amount", "refund_amount"],
];
const PLACEHOLDERS: CopyParams = {
  shop: "{{ shop_name }}",
  order: "{{ order_name }}",
  ...Object.fromEntries(OPTIONAL.map(([key, v]) => [key, `{{ ${v} }}`])),
};

function asLiquid(sentence: (p: CopyParams) => string): string {
  const full = sentence(PLACEHOLDERS);
  for (const [key, v] of OPTIONAL) {
    const without = sentence({ ...PLACEHOLDERS, [key]: undefined });
    if (without !== full) return `{% if ${v} %}${full}{% else %}${without}{% endif %}`;
  }
  return full;
}

/** A milestone's default copy in one language, as the Liquid the editor shows and "reset" restores. */
export function defaultCopy(messages: Messages, milestone: Milestone): EditableCopy {
  const copy = messages.email[milestone];
  const paragraphs = copy.body(PLACEHOLDERS).map((_, i) => asLiquid((p) => copy.body(p)[i] ?? ""));
  return { subject: asLiquid(copy.subject), heading: asLiquid(copy.heading), body: paragraphs.join("\n\n") };
}
