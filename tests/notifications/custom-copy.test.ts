// The shop's own email copy end to end on SQLite and PostgreSQL (issue 20 item 5): edited in the
// settings page's editor (its action, as the page submits it), checked before it is stored, sent to
// customers in its language through the real worker and the dev outbox, previewed unsaved, reset to
// the default; a bad template is refused with the field's message and never reaches a customer.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { messageCopyAction, messageCopyView } from "~/admin/message-copy.server";
import type { AdminShop } from "~/admin/shop.server";
import { createNotificationHandlers } from "~/notifications/handlers.server";
import { enqueue } from "~/jobs/queue.server";
import { Worker } from "~/jobs/worker.server";
import { ORDER_CONFIRMED } from "~/pipeline/orders.server";
import { freshDb, providers, type TestDb } from "../support/db";

const T0 = new Date("2026-11-24T15:00:00Z");
const now = () => T0;

function form(values: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) f.set(k, v);
  return f;
}

describe.each(providers)("the shop's own copy (%s)", (provider) => {
  let t: TestDb;
  let db: Db;
  let shop: AdminShop;
  beforeAll(async () => {
    t = await freshDb(provider);
    db = t.db;
    const row = await db.shop.create({
      data: { domain: "copy-shop.myshopify.com", name: "Maison", primaryDomain: "maison.test", locale: "fr" },
    });
    shop = {
      id: row.id,
      domain: row.domain,
      name: row.name,
      currency: row.currency,
      timezone: row.timezone,
      locale: row.locale,
    };
  });
  afterAll(async () => t.drop());
  beforeEach(async () => {
    await db.messageCopy.deleteMany({});
    await db.outboxMessage.deleteMany({});
    await db.notification.deleteMany({});
  });

  async function confirmOrder(locale: string) {
    const order = await db.order.create({
      data: {
        shopId: shop.id,
        shopifyId: String(Math.floor(Math.random() * 1e12)),
        name: "#2001",
        orderNumber: 2001,
        email: "camille@example.com",
        customerFirstName: "Camille",
        customerLocale: locale,
        processedAt: new Date(T0.getTime() - 3_600_000),
        factsAt: new Date(T0.getTime() - 3_600_000),
      },
    });
    await enqueue(db, { kind: ORDER_CONFIRMED, payload: { shopId: shop.id, orderId: order.id }, runAfter: T0 });
    await new Worker(db, createNotificationHandlers({}), { now, leaseMs: 60_000 }).drain();
    const mails = await db.outboxMessage.findMany({ where: { to: "camille@example.com" } });
    expect(mails).toHaveLength(1);
    return mails[0]!;
  }

  const frCopy = {
    intent: "copy_save",
    milestone: "order_confirmed",
    locale: "fr",
    subject: "Merci {{ first_name }} ! Commande {{ order_name }}",
    heading: "C'est noté",
    body: "Nous préparons votre commande {{ order_name }}.\n\nSuivez-la ici : {{ tracking_link }}",
  };

  it("the editor opens on the store's language with the default copy of every milestone as Liquid", async () => {
    const view = await messageCopyView(shop, db);
    expect(view.locale).toBe("fr");
    expect(view.copy.shipped.fr.custom).toBe(false);
    expect(view.copy.shipped.en.subject).toBe("Your order {{ order_name }} is on its way");
    expect(view.copy.shipped.en.body).toContain("{% if carrier %}");
  });

  it("saved copy is what French customers get; English customers keep the default", async () => {
    const saved = await messageCopyAction(shop, form(frCopy), "staff@maison.test", db);
    expect(saved).toMatchObject({ ok: true, fieldErrors: {}, entry: { custom: true, subject: frCopy.subject } });
    expect(await db.messageCopy.findFirst()).toMatchObject({ locale: "fr", updatedBy: "staff@maison.test" });

    const fr = await confirmOrder("fr-CA");
    expect(fr.subject).toBe("Merci Camille ! Commande #2001");
    expect(fr.text).toContain("Nous préparons votre commande #2001.");
    expect(fr.text).toMatch(/Suivez-la ici : https:\/\/maison\.test\/apps\/track\?token=[\w.-]+&locale=fr/);
    expect(fr.html).toContain("C&#39;est noté");

    await db.outboxMessage.deleteMany({});
    const en = await confirmOrder("en-US");
    expect(en.subject).toBe("Order #2001 confirmed");
  });

  it("a bad template is refused with the field's message and nothing is stored or sent with it", async () => {
    const r = await messageCopyAction(
      shop,
      form({ ...frCopy, body: "{% include 'x' %} {{ customer.email }}" }),
      "staff",
      db,
    );
    expect(r.ok).toBe(false);
    expect(r.fieldErrors.body).toMatch(/^Body: /);
    expect(await db.messageCopy.count()).toBe(0);
    const mail = await confirmOrder("fr");
    expect(mail.subject).toBe("Commande #2001 confirmée");
    expect(mail.text).not.toContain("include");
  });

  it("a stored template that fails at send time sends the default copy instead", async () => {
    await db.messageCopy.create({
      data: {
        shopId: shop.id,
        milestone: "order_confirmed",
        locale: "fr",
        subject: "ok",
        heading: "ok",
        body: "{% if x %}",
      },
    });
    const mail = await confirmOrder("fr");
    expect(mail.text).not.toContain("{%");
    expect(mail.subject).toBe("Commande #2001 confirmée"); // the whole copy falls back, not just the body
  });

  it("previews unsaved copy with unsaved branding, and shows the problem instead of a preview", async () => {
    const p = await messageCopyAction(
      shop,
      form({ ...frCopy, intent: "copy_preview", brandPrimaryColor: "#ff0000" }),
      "staff",
      db,
    );
    expect(p.ok).toBe(true);
    expect(p.preview?.subject).toBe("Merci Alex ! Commande #1001");
    expect(p.preview?.html).toContain("#ff0000");
    expect(await db.messageCopy.count()).toBe(0);
    expect((await db.shop.findUniqueOrThrow({ where: { id: shop.id } })).brandPrimaryColor).not.toBe("#ff0000");

    const bad = await messageCopyAction(
      shop,
      form({ ...frCopy, intent: "copy_preview", subject: "{{ nope }}" }),
      "s",
      db,
    );
    expect(bad).toMatchObject({ ok: false, preview: null });
    expect(bad.fieldErrors.subject).toMatch(/unknown variable "nope"/);
  });

  it("reset to default removes the shop's copy and answers the default", async () => {
    await messageCopyAction(shop, form(frCopy), "staff", db);
    const r = await messageCopyAction(
      shop,
      form({ intent: "copy_reset", milestone: "order_confirmed", locale: "fr" }),
      "s",
      db,
    );
    expect(r).toMatchObject({ ok: true, entry: { custom: false } });
    expect(r.entry?.subject).not.toContain("Merci");
    expect(await db.messageCopy.count()).toBe(0);
  });

  it("refuses an unknown milestone or language", async () => {
    const r = await messageCopyAction(shop, form({ ...frCopy, locale: "pt" }), "s", db);
    expect(r).toMatchObject({ ok: false, fieldErrors: { form: "Choose a language" } });
  });
});
