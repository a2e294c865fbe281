// The three mandatory compliance webhooks. customers/data_request assembles everything we hold on
// the customer for the merchant; customers/redact removes or anonymises that customer's personal
// data in every table; shop/redact deletes everything of the shop. Each is recorded (without PII).
import type { Db } from "../db.server";
import { Prisma } from "../db.server";

interface CustomerRef {
  id: string | null;
  email: string | null;
  phone: string | null;
}

function customerOrderFilter(shopId: string, customer: CustomerRef, orderIds: string[]): Prisma.OrderWhereInput {
  const or: Prisma.OrderWhereInput[] = [];
  if (orderIds.length) or.push({ shopifyId: { in: orderIds } });
  if (customer.id) or.push({ customerShopifyId: customer.id });
  if (customer.email) or.push({ email: customer.email.toLowerCase() });
  return { shopId, OR: or.length ? or : [{ id: "__none__" }] };
}

export async function customerDataRequest(
  db: Db,
  args: { shopDomain: string; webhookId: string; customer: CustomerRef; orderIds: string[] },
): Promise<void> {
  const shop = await db.shop.findUnique({ where: { domain: args.shopDomain }, select: { id: true } });
  const orders = shop
    ? await db.order.findMany({
        where: customerOrderFilter(shop.id, args.customer, args.orderIds),
        include: {
          shipments: { include: { events: { orderBy: { happenedAt: "asc" } } } },
          notifications: { select: { channel: true, milestone: true, status: true, recipient: true, subject: true, bodyText: true, sentAt: true, createdAt: true } },
          returnCases: true,
        },
      })
    : [];
  const result = {
    customer: { id: args.customer.id },
    orders: orders.map((o) => ({
      name: o.name,
      email: o.email,
      phone: o.phone,
      firstName: o.customerFirstName,
      locale: o.customerLocale,
      smsConsent: o.smsConsent,
      shippingAddress: { city: o.shipCity, region: o.shipRegion, country: o.shipCountry, zip: o.shipZip },
      placedAt: o.processedAt,
      shipments: o.shipments.map((s) => ({
        carrier: s.carrier,
        trackingNumbers: s.trackingNumbers,
        status: s.subStatus,
        events: s.events.map((e) => ({ status: e.status, at: e.happenedAt, city: e.city, province: e.province, country: e.country })),
      })),
      returns: o.returnCases.map((r) => ({ name: r.name, status: r.status, requestedAt: r.requestedAt })),
      notifications: o.notifications,
    })),
  };
  await db.complianceRequest.upsert({
    where: { webhookId: args.webhookId },
    create: {
      shopDomain: args.shopDomain,
      kind: "customers/data_request",
      webhookId: args.webhookId,
      customerRef: args.customer.id,
      status: "completed",
      result: JSON.parse(JSON.stringify(result)) as Prisma.InputJsonValue,
      completedAt: new Date(),
    },
    update: {},
  });
}

export async function customerRedact(
  db: Db,
  args: { shopDomain: string; webhookId: string; customer: CustomerRef; orderIds: string[] },
): Promise<{ orders: number; notifications: number }> {
  const shop = await db.shop.findUnique({ where: { domain: args.shopDomain }, select: { id: true } });
  let counts = { orders: 0, notifications: 0 };
  if (shop) {
    counts = await db.$transaction(async (tx) => {
      const orders = await tx.order.findMany({ where: customerOrderFilter(shop.id, args.customer, args.orderIds), select: { id: true, phone: true } });
      const ids = orders.map((o) => o.id);
      const phones = orders.map((o) => o.phone).filter((p): p is string => !!p);
      if (args.customer.phone) phones.push(args.customer.phone);
      const notes = await tx.notification.findMany({ where: { orderId: { in: ids } }, select: { id: true } });
      const noteIds = notes.map((n) => n.id);
      await tx.outboxMessage.deleteMany({ where: { notificationId: { in: noteIds } } });
      await tx.notification.updateMany({
        where: { id: { in: noteIds } },
        data: { recipient: null, subject: null, bodyText: null, bodyHtml: null, personalNote: null, context: Prisma.DbNull },
      });
      await tx.order.updateMany({
        where: { id: { in: ids } },
        data: {
          email: null, phone: null, customerShopifyId: null, customerFirstName: null,
          shipZip: null, shipCity: null, lineItems: Prisma.DbNull, redactedAt: new Date(),
        },
      });
      // Carrier scans name places on the way to the customer; the final ones narrow to their address.
      await tx.trackingEvent.updateMany({ where: { shipment: { orderId: { in: ids } } }, data: { zip: null, message: null } });
      await tx.shipment.updateMany({ where: { orderId: { in: ids } }, data: { lastLocation: null } });
      if (phones.length) await tx.smsOptOut.deleteMany({ where: { shopId: shop.id, phone: { in: phones } } });
      return { orders: ids.length, notifications: noteIds.length };
    });
  }
  await db.complianceRequest.upsert({
    where: { webhookId: args.webhookId },
    create: { shopDomain: args.shopDomain, kind: "customers/redact", webhookId: args.webhookId, customerRef: args.customer.id, status: "completed", result: counts, completedAt: new Date() },
    update: {},
  });
  return counts;
}

/** Everything of the shop goes: its rows (cascading from Shop), sessions, receipts and jobs. */
export async function shopRedact(db: Db, args: { shopDomain: string; webhookId: string }): Promise<void> {
  await db.$transaction([
    db.shop.deleteMany({ where: { domain: args.shopDomain } }),
    db.session.deleteMany({ where: { shop: args.shopDomain } }),
    db.webhookReceipt.deleteMany({ where: { shopDomain: args.shopDomain, webhookId: { not: args.webhookId } } }),
    db.job.deleteMany({ where: { shopDomain: args.shopDomain, status: { not: "running" } } }),
    db.complianceRequest.deleteMany({ where: { shopDomain: args.shopDomain } }),
    db.complianceRequest.create({
      data: { shopDomain: args.shopDomain, kind: "shop/redact", webhookId: args.webhookId, status: "completed", completedAt: new Date() },
    }),
  ]);
}
