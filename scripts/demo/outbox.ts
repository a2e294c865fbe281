// The dev outbox page: what Waypoint would have sent (OutboxMessage rows, written by the dev-outbox
// provider when no SendGrid/Twilio credentials exist). Emails render in sandboxed iframes, SMS as text.
import type { Db } from "../../app/db.server";
import { escapeHtml as esc } from "../../app/lib/html";

export async function renderOutbox(db: Db, shopDomain: string, query: URLSearchParams): Promise<string> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, name: true } });
  const channel = query.get("channel");
  const q = query.get("q")?.trim() ?? "";
  const where = {
    shopId: shop?.id ?? "-",
    ...(channel === "email" || channel === "sms" ? { channel } : {}),
    ...(q ? { OR: [{ to: { contains: q } }, { subject: { contains: q } }, { text: { contains: q } }] } : {}),
  };
  const [rows, total, emails, sms] = await Promise.all([
    db.outboxMessage.findMany({ where, orderBy: { createdAt: "desc" }, take: 100 }),
    db.outboxMessage.count({ where: { shopId: shop?.id ?? "-" } }),
    db.outboxMessage.count({ where: { shopId: shop?.id ?? "-", channel: "email" } }),
    db.outboxMessage.count({ where: { shopId: shop?.id ?? "-", channel: "sms" } }),
  ]);
  const items = rows
    .map((m) => {
      const head = `<div class="meta"><span class="ch ch-${esc(m.channel)}">${esc(m.channel.toUpperCase())}</span> <b>to</b> ${esc(m.to)}${m.from ? ` <b>from</b> ${esc(m.from)}` : ""} · <time datetime="${m.createdAt.toISOString()}">${esc(m.createdAt.toISOString().replace("T", " ").slice(0, 19))} UTC</time></div>`;
      if (m.channel === "email") {
        return `<article class="msg email" data-channel="email" data-to="${esc(m.to)}">${head}<h2 class="subject">${esc(m.subject ?? "(no subject)")}</h2>${
          m.html
            ? `<iframe sandbox="" loading="lazy" title="${esc(m.subject ?? "email")}" srcdoc="${esc(m.html)}"></iframe>`
            : ""
        }<details><summary>Plain text</summary><pre>${esc(m.text)}</pre></details></article>`;
      }
      return `<article class="msg sms" data-channel="sms" data-to="${esc(m.to)}">${head}<p class="bubble">${esc(m.text)}</p></article>`;
    })
    .join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Dev outbox – ${esc(shop?.name ?? shopDomain)}</title>
<meta http-equiv="refresh" content="30">
<style>
 body { font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif; margin: 0; background: #f1f1f1; color: #1a1a1a; }
 header { background: #1a1a1a; color: #fff; padding: 14px 24px; display: flex; gap: 24px; align-items: baseline; flex-wrap: wrap; }
 header a { color: #9fd3ff; } header h1 { font-size: 18px; margin: 0; }
 form { display: inline-flex; gap: 8px; } input, select { padding: 4px 6px; }
 main { max-width: 900px; margin: 0 auto; padding: 16px; }
 .msg { background: #fff; border-radius: 10px; padding: 14px 16px; margin: 14px 0; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
 .meta { font-size: 13px; color: #555; } .subject { font-size: 16px; margin: 8px 0; }
 .ch { display: inline-block; font-size: 11px; font-weight: 700; padding: 1px 6px; border-radius: 4px; background: #e3f1df; color: #1a5c2a; }
 .ch-sms { background: #e0ecff; color: #163e7a; }
 iframe { width: 100%; height: 520px; border: 1px solid #ddd; border-radius: 6px; background: #fff; }
 .bubble { display: inline-block; background: #e9e9eb; border-radius: 16px; padding: 10px 14px; max-width: 420px; white-space: pre-wrap; margin: 8px 0 0; }
 pre { white-space: pre-wrap; font-size: 12px; } .empty { color: #666; padding: 40px; text-align: center; }
</style></head><body>
<header><h1>Dev outbox</h1><span id="counts">${total} messages · ${emails} emails · ${sms} SMS</span>
<form method="get"><select name="channel"><option value="">all</option><option value="email"${channel === "email" ? " selected" : ""}>email</option><option value="sms"${channel === "sms" ? " selected" : ""}>SMS</option></select>
<input name="q" placeholder="recipient, subject or text" value="${esc(q)}"><button>Filter</button></form>
<a href="/">demo home</a></header>
<main>${items || `<p class="empty">Nothing sent yet. Messages appear here as shipments move (this page refreshes every 30 s).</p>`}</main>
</body></html>`;
}
