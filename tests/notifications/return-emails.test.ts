// A return's emails from Shopify's webhooks through the real pipeline and worker (dev outbox): the
// approval, then the label to print in an email of its own (it usually comes after the approval),
// then the refund with its amount and date; SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { jobHandlers } from "~/jobs/registry.server";
import { Worker } from "~/jobs/worker.server";
import { freshDb, providers, type TestDb } from "../support/db";
import { fixture, receiverFor, signedWebhook } from "../support/shopify-webhooks";

describe.each(providers)("return emails on %s", (provider) => {
  let t: TestDb;
  let worker: Worker;
  async function post(topic: string, name: string) {
    expect((await receiverFor(t.db)(signedWebhook(topic, fixture(name)))).status).toBe(200);
  }
  beforeEach(async () => {
    t = await freshDb(provider);
    worker = new Worker(t.db, jobHandlers, { now: () => new Date(Date.now() + 60_000), id: "return-emails" });
    await post("orders/create", "orders-create.1001");
    await post("fulfillments/create", "fulfillments-create.1001.1-ups");
    await worker.drain();
  });
  afterEach(async () => t.drop());

  const emails = async (milestone: string) => {
    const n = await t.db.notification.findMany({ where: { milestone, channel: "email" } });
    return t.db.outboxMessage.findMany({ where: { notificationId: { in: n.map((x) => x.id) } } });
  };

  it("sends the approval, then the label to print, then the refund", async () => {
    await post("returns/request", "returns-request.1001-R1");
    await post("returns/approve", "returns-approve.1001-R1");
    await worker.drain();
    const [approved] = await emails("return_approved");
    expect(approved!.subject).toContain("approved");
    expect(approved!.text).not.toContain("return-label-1001-R1.pdf");

    await post("reverse_deliveries/attach_deliverable", "reverse_deliveries-attach_deliverable.1001-R1");
    await worker.drain();
    const label = await emails("return_label");
    expect(label).toHaveLength(1);
    expect(label[0]!.subject).toBe("Your return label for order #1001 is ready");
    expect(label[0]!.text).toMatch(/Print your return label: https:\/\/cdn\.shopify\.com\/.+return-label-1001-R1\.pdf/);
    expect(label[0]!.text).toContain("Return tracking: 1Z999AA10123456800");

    await post("refunds/create", "refunds-create.1001-R1");
    await worker.drain();
    const [refund] = await emails("refund_issued");
    expect(refund!.text).toMatch(/Refund: \$137\.06 · Nov 28/);
  });

  it("sends the label once: in the approval email when it came first, with no label email after it", async () => {
    await post("returns/request", "returns-request.1001-R1");
    await post("returns/approve", "returns-approve.1001-R1");
    await post("reverse_deliveries/attach_deliverable", "reverse_deliveries-attach_deliverable.1001-R1");
    await worker.drain();
    const [approved] = await emails("return_approved");
    expect(approved!.text).toMatch(/Print your return label: https:\/\/cdn\.shopify\.com\/.+return-label-1001-R1\.pdf/);
    expect(await emails("return_label")).toHaveLength(0);
    const label = await t.db.notification.findFirstOrThrow({ where: { milestone: "return_label", channel: "email" } });
    expect(label).toMatchObject({
      status: "discarded",
      error: expect.stringMatching(/^combined: the approval email carried the label/),
    });
  });
});
