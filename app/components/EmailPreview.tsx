// An email's HTML shown in a shadow root, so its styles neither leak into the admin nor inherit from it.
// Not an <iframe srcdoc>: a srcdoc frame inherits the page's Content-Security-Policy, whose
// frame-ancestors (Shopify admin only) does not list the app's own origin, so the browser blanks it.
import { useEffect, useRef } from "react";

export function EmailPreview({ html, title, height = 420 }: { html: string; title: string; height?: number }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const root = el.shadowRoot ?? el.attachShadow({ mode: "open" });
    // The document's <html>/<head>/<body> tags are dropped by the fragment parser; styles and content stay.
    // Scripts never run from innerHTML, and the templates escape every value they insert.
    root.innerHTML = `<style>:host{display:block;background:#fff}</style>${html}`;
  }, [html]);
  return (
    <div
      ref={host}
      role="document"
      aria-label={title}
      data-preview="email"
      style={{ height, overflow: "auto", background: "#fff" }}
    />
  );
}
