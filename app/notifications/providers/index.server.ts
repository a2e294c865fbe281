// Which provider sends a shop's messages, per channel: the shop's own account (credentials stored
// encrypted, decrypted only here), else the app's own from the environment, else the dev outbox, so a
// fresh install with no credentials at all still works end to end.
import type { Shop } from "@prisma/client";
import type { Db } from "../../db.server";
import { env } from "../../env.server";
import { decryptSecret } from "../../lib/crypto.server";
import { errorMessage } from "../../lib/logger.server";
import { DevOutbox } from "./dev-outbox.server";
import { type EmailProvider, misconfigured, ProviderError, type SmsProvider } from "./provider";
import { SendGridProvider } from "./sendgrid.server";
import { TwilioProvider } from "./twilio.server";

export { DevOutbox } from "./dev-outbox.server";
export { SendGridProvider } from "./sendgrid.server";
export { TwilioProvider } from "./twilio.server";
export * from "./provider";

/** The app's own provider settings (the environment's, or a test's). */
export interface ProviderConfig {
  sendgridApiKey?: string | null;
  sendgridFrom?: string | null;
  sendgridBaseUrl?: string | null;
  twilioAccountSid?: string | null;
  twilioAuthToken?: string | null;
  twilioFrom?: string | null;
  twilioBaseUrl?: string | null;
  /** Public URL of the app: SMS carry a status callback to it (unset: no delivery reports for SMS). */
  appUrl?: string | null;
  /** Key for the shop's stored credentials; defaults to ENCRYPTION_KEY. */
  encryptionKey?: string;
}

export function providerConfigFromEnv(): ProviderConfig {
  const e = env();
  return {
    sendgridApiKey: e.SENDGRID_API_KEY,
    sendgridFrom: e.SENDGRID_FROM,
    sendgridBaseUrl: e.SENDGRID_BASE_URL,
    twilioAccountSid: e.TWILIO_ACCOUNT_SID,
    twilioAuthToken: e.TWILIO_AUTH_TOKEN,
    twilioFrom: e.TWILIO_FROM,
    twilioBaseUrl: e.TWILIO_BASE_URL,
    appUrl: e.SHOPIFY_APP_URL,
  };
}

/** Where Twilio posts an SMS's status changes (app/routes/webhooks.twilio.status.tsx). */
export const TWILIO_STATUS_PATH = "/webhooks/twilio/status";

export function twilioStatusCallbackUrl(appUrl: string | null | undefined): string | null {
  if (!appUrl) return null;
  return new URL(TWILIO_STATUS_PATH, appUrl).toString();
}

export type ProviderShop = Pick<
  Shop,
  | "id"
  | "domain"
  | "name"
  | "contactEmail"
  | "senderName"
  | "senderEmail"
  | "replyToEmail"
  | "sendgridApiKeyEnc"
  | "twilioAccountSidEnc"
  | "twilioAuthTokenEnc"
  | "twilioFromNumber"
>;

export type CredentialSource = "shop" | "app" | "dev-outbox";

export interface ResolvedProviders {
  email: EmailProvider;
  sms: SmsProvider;
  emailSource: CredentialSource;
  smsSource: CredentialSource;
  /** Sender identity for email, and reply-to (the shop's own address). */
  emailFrom: { email: string; name: string | null };
  replyTo: string | null;
  /** Sender number or messaging service for SMS ("" for the dev outbox without one). */
  smsFrom: string;
}

function shopDisplayName(shop: ProviderShop): string {
  return shop.senderName?.trim() || shop.name?.trim() || shop.domain.replace(/\.myshopify\.com$/, "");
}

function decrypt(value: string, key: string | undefined): string {
  return decryptSecret(value, key);
}

/** The providers for one shop, per channel. Never throws: broken settings give a provider that refuses with a config error. */
export function providersForShop(
  db: Pick<Db, "outboxMessage">,
  shop: ProviderShop,
  config: ProviderConfig = providerConfigFromEnv(),
): ResolvedProviders {
  const name = shopDisplayName(shop);
  const replyTo = shop.replyToEmail?.trim() || shop.contactEmail?.trim() || null;
  const outbox = new DevOutbox(db, shop.id);

  let email: EmailProvider;
  let emailSource: CredentialSource;
  let fromEmail: string;
  if (shop.sendgridApiKeyEnc) {
    emailSource = "shop";
    fromEmail = shop.senderEmail?.trim() || shop.contactEmail?.trim() || "";
    try {
      email = fromEmail
        ? new SendGridProvider({
            apiKey: decrypt(shop.sendgridApiKeyEnc, config.encryptionKey),
            baseUrl: config.sendgridBaseUrl,
          })
        : misconfigured("sendgrid", "Set a sender email address verified in your SendGrid account");
    } catch (error) {
      email = misconfigured(
        "sendgrid",
        error instanceof ProviderError
          ? error.message
          : `Your SendGrid key cannot be read (${errorMessage(error)}): enter it again`,
      );
    }
  } else if (config.sendgridApiKey) {
    emailSource = "app";
    fromEmail = config.sendgridFrom?.trim() || "";
    email = fromEmail
      ? new SendGridProvider({ apiKey: config.sendgridApiKey, baseUrl: config.sendgridBaseUrl })
      : misconfigured("sendgrid", "SENDGRID_FROM is not set: the app's SendGrid account has no sender");
  } else {
    emailSource = "dev-outbox";
    fromEmail = shop.senderEmail?.trim() || `notifications@${shop.domain}`;
    email = outbox;
  }

  let sms: SmsProvider;
  let smsSource: CredentialSource;
  let smsFrom: string;
  const statusCallback = twilioStatusCallbackUrl(config.appUrl);
  const shopTwilio = [shop.twilioAccountSidEnc, shop.twilioAuthTokenEnc, shop.twilioFromNumber];
  if (shopTwilio.some(Boolean)) {
    smsSource = "shop";
    smsFrom = shop.twilioFromNumber ?? "";
    if (!shopTwilio.every(Boolean)) {
      sms = misconfigured(
        "twilio",
        "Your Twilio settings are incomplete: account SID, auth token and sending number are all needed",
      );
    } else {
      try {
        sms = new TwilioProvider({
          accountSid: decrypt(shop.twilioAccountSidEnc!, config.encryptionKey),
          authToken: decrypt(shop.twilioAuthTokenEnc!, config.encryptionKey),
          from: smsFrom,
          baseUrl: config.twilioBaseUrl,
          statusCallback,
        });
      } catch (error) {
        sms = misconfigured(
          "twilio",
          error instanceof ProviderError
            ? error.message
            : `Your Twilio credentials cannot be read (${errorMessage(error)}): enter them again`,
        );
      }
    }
  } else if (config.twilioAccountSid && config.twilioAuthToken) {
    smsSource = "app";
    smsFrom = config.twilioFrom ?? "";
    try {
      sms = new TwilioProvider({
        accountSid: config.twilioAccountSid,
        authToken: config.twilioAuthToken,
        from: smsFrom,
        baseUrl: config.twilioBaseUrl,
        statusCallback,
      });
    } catch (error) {
      sms = misconfigured("twilio", errorMessage(error));
    }
  } else {
    smsSource = "dev-outbox";
    smsFrom = shop.twilioFromNumber ?? config.twilioFrom ?? "";
    sms = outbox;
  }

  return {
    email,
    sms,
    emailSource,
    smsSource,
    emailFrom: { email: fromEmail, name },
    replyTo: replyTo === fromEmail ? null : replyTo,
    smsFrom,
  };
}
