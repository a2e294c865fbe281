// The one HTML escaper (app/lib/html.ts): used by the email templates, the proxy's tracking page, the
// Liquid test engine and the demo pages. It escapes the five characters that can end a text node or
// a quoted attribute (both quote styles), and nothing else.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { escapeHtml, escapeMultiline, safeUrl } from "~/lib/html";

describe("escapeHtml", () => {
  it("escapes & < > \" ' to named or numeric entities", () => {
    expect(escapeHtml(`&<>"'`)).toBe("&amp;&lt;&gt;&quot;&#39;");
    expect(escapeHtml(`<img src=x onerror="alert('1')">`)).toBe(
      "&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;",
    );
  });

  it("escapes an ampersand already written as an entity again (it is text, not markup)", () => {
    expect(escapeHtml("&amp; &#39;")).toBe("&amp;amp; &amp;#39;");
  });

  it("leaves every other character as it is", () => {
    const text = "Maya Chen, #1001 — Zürich 🚚 = / ` \\ {{ x }}\n\t";
    expect(escapeHtml(text)).toBe(text);
    expect(escapeHtml("")).toBe("");
  });

  it("is reversed exactly by decoding the five entities (nothing lost, nothing added)", () => {
    const decode = (s: string) =>
      s.replace(
        /&(amp|lt|gt|quot|#39);/g,
        (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e] as string,
      );
    for (const s of [`a&b<c>d"e'f`, "&&&", "<<>>", `'"'"`, "&lt;"]) expect(decode(escapeHtml(s))).toBe(s);
  });
});

describe("escapeMultiline", () => {
  it("escapes each line and joins them with <br /> whatever the line endings", () => {
    expect(escapeMultiline("a<b\r\nc&d\re\nf")).toBe("a&lt;b<br />c&amp;d<br />e<br />f");
  });
});

describe("safeUrl", () => {
  it("keeps absolute http(s) URLs and refuses the rest", () => {
    expect(safeUrl(" https://shop.example/track?x=1 ")).toBe("https://shop.example/track?x=1");
    expect(safeUrl("http://shop.example")).toBe("http://shop.example/");
    for (const bad of ["javascript:alert(1)", "data:text/html,<b>", "/relative", "not a url", "", null, undefined])
      expect(safeUrl(bad)).toBeNull();
  });
});

describe("one copy", () => {
  // Every escaper used to be written out again (the proxy page, the Liquid test engine, two demo
  // pages); they now import this one. A second regex over the five characters means a new copy.
  it("no other module in app/, scripts/, bench/ or tests/support/ defines its own escaper", () => {
    const files = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
        const p = path.join(dir, d.name);
        if (d.isDirectory()) return d.name === "node_modules" || d.name === "results" ? [] : files(p);
        return /\.(ts|tsx|mts|mjs)$/.test(d.name) ? [p] : [];
      });
    const copies = ["app", "scripts", "bench", "tests/support"]
      .flatMap(files)
      .filter((f) => path.normalize(f) !== path.normalize("app/lib/html.ts"))
      .filter((f) => /\[&<>"']|\[<>&"']|&quot;|&#39;|&#x27;/.test(fs.readFileSync(f, "utf8")));
    expect(copies).toEqual([]);
  });
});
