// The order-details admin block in en, fr, de and es (issue 20 item 4): Shopify picks the block's locale
// file from the admin's language; every file has exactly the default file's keys, each translated.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const DIR = path.resolve("extensions/order-details-block/locales");
const read = (name: string) => JSON.parse(fs.readFileSync(path.join(DIR, name), "utf8")) as Record<string, string>;

describe("order-details block locales", () => {
  const en = read("en.default.json");
  it.each(["fr.json", "de.json", "es.json"])("%s has the default's keys, translated", (file) => {
    const t = read(file);
    expect(Object.keys(t).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en)) expect(t[key], key).not.toBe(en[key]);
  });

  it("the block asks the app for its data in the admin's language", () => {
    const src = fs.readFileSync(path.resolve("extensions/order-details-block/src/BlockExtension.jsx"), "utf8");
    expect(src).toContain("?locale=${encodeURIComponent(i18n.locale");
  });
});
