// The embedded dev outbox: with no provider credentials at all, every message becomes an OutboxMessage
// row in the app's own database, so a fresh install works end to end and the admin can show what
// would have been sent. Lookups after a crash are exact: the row is there or it is not.
// Nothing here reaches a customer, so no delivery is ever reported: the admin shows these messages as
// "Outbox only" and the settings page says that no account is sending.
import type { Db } from "../../db.server";
import { countSegments } from "../templates/gsm";
import type { EmailMessage, EmailProvider, SendResult, SentLookup, SmsMessage, SmsProvider } from "./provider";

export class DevOutbox implements EmailProvider, SmsProvider {
  readonly name = "dev-outbox" as const;

  constructor(
    private readonly db: Pick<Db, "outboxMessage">,
    private readonly shopId: string,
  ) {}

  async sendEmail(message: EmailMessage): Promise<SendResult> {
    const from = message.from.name ? `${message.from.name} <${message.from.email}>` : message.from.email;
    const row = await this.db.outboxMessage.create({
      data: {
        shopId: this.shopId,
        notificationId: message.notificationId,
        channel: "email",
        to: message.to,
        from,
        subject: message.subject,
        text: message.text,
        html: message.html,
      },
      select: { id: true },
    });
    return { providerMessageId: `outbox_${row.id}` };
  }

  async sendSms(message: SmsMessage): Promise<SendResult> {
    const row = await this.db.outboxMessage.create({
      data: {
        shopId: this.shopId,
        notificationId: message.notificationId,
        channel: "sms",
        to: message.to,
        from: message.from || null,
        text: message.body,
      },
      select: { id: true },
    });
    return { providerMessageId: `outbox_${row.id}`, segments: countSegments(message.body).segments };
  }

  private async find(channel: "email" | "sms", notificationId: string | null): Promise<SentLookup> {
    if (!notificationId) return { state: "unknown", reason: "no notification id to search for" };
    const row = await this.db.outboxMessage.findFirst({
      where: { shopId: this.shopId, notificationId, channel },
      select: { id: true },
    });
    return row ? { state: "found", providerMessageId: `outbox_${row.id}` } : { state: "absent" };
  }

  findSentEmail(message: EmailMessage): Promise<SentLookup> {
    return this.find("email", message.notificationId);
  }

  findSentSms(message: SmsMessage): Promise<SentLookup> {
    return this.find("sms", message.notificationId);
  }
}
