// Merchant settings on SQLite and PostgreSQL: server-side validation with field errors, the channel
// matrix within the SMS policy, and write-only, encrypted provider credentials.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptSecret } from "~/lib/crypto.server";
import { loadSettings, saveSettings, settingsFromForm, type SettingsView } from "~/admin/settings.server";
import { MILESTONES } from "~/notifications/rules/policy";
import { freshDb, providers, type TestDb } from "../support/db";

const SHOP = "settings-shop.myshopify.com";
const SENDGRID = "SG.abcdefghijklmnop.qrstuvwxyz0123456789";

/** The form as the settings page submits it, from the current view plus changes. */
function form(view: SettingsView, changes: Record<string, string | null> = {}): FormData {
  const f = new FormData();
  const values: Record<string, string> = {
    brandLogoUrl: view.brandLogoUrl,
    brandPrimaryColor: view.brandPrimaryColor,
    brandAccentColor: view.brandAccentColor,
    trackingHeading: view.trackingHeading,
    notificationMode: view.notificationMode,
    hybridAutoSendHours: view.hybridAutoSendHours,
    quietHoursStart: String(view.quietHoursStart),
    quietHoursEnd: String(view.quietHoursEnd),
    senderName: view.senderName,
    senderEmail: view.senderEmail,
    replyToEmail: view.replyToEmail,
    twilioFromNumber: view.twilioFromNumber,
    recommendationSource: view.recommendationSource,
    recommendationCollection: view.recommendationCollection,
    costPerTicket: view.costPerTicket,
    noScanAlertDays: String(view.noScanAlertDays),
    receiptRetentionDays: String(view.receiptRetentionDays),
    jobRetentionDays: String(view.jobRetentionDays),
    inDoubtResend: view.inDoubtResend,
    inDoubtResendMinutes: view.inDoubtResendMinutes,
  };
  if (view.smsTransactionalOk) values.smsTransactionalOk = "on";
  for (const m of MILESTONES) {
    if (view.channels[m].email) values[`channel.${m}.email`] = "on";
    if (view.channels[m].sms) values[`channel.${m}.sms`] = "on";
  }
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete values[k];
    else values[k] = v;
  }
  for (const [k, v] of Object.entries(values)) f.set(k, v);
  return f;
}

describe.each(providers)("settings on %s", (provider) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(provider);
    await t.db.shop.create({ data: { domain: SHOP, name: "Settings Shop" } });
  });
  afterAll(async () => t.drop());

  const view = async () => (await loadSettings(t.db, SHOP))!;
  const save = async (changes: Record<string, string | null>) =>
    saveSettings(t.db, SHOP, settingsFromForm(form(await view(), changes)));

  it("loads the defaults with the policy's channel matrix and no secrets", async () => {
    const v = await view();
    expect(v).toMatchObject({
      notificationMode: "automated",
      quietHoursStart: 21,
      quietHoursEnd: 8,
      costPerTicket: "6.00",
      recommendationSource: "related",
    });
    expect([v.inDoubtResend, v.inDoubtResendMinutes]).toEqual(["auto", "30"]);
    expect(v.channels.shipped).toEqual({ email: true, sms: true });
    expect(v.channels.delivered.sms).toBe(false);
    expect(v.secrets).toEqual({
      sendgridApiKey: null,
      sendgridWebhookKey: null,
      twilioAccountSid: null,
      twilioAuthToken: null,
    });
    // No account anywhere (the test environment sets none): the page must say nothing reaches customers.
    expect(v.sending).toEqual({ email: "dev-outbox", sms: "dev-outbox" });
    expect(await loadSettings(t.db, "missing.myshopify.com")).toBeNull();
  });

  it("saves valid settings", async () => {
    const r = await save({
      brandLogoUrl: "https://cdn.example.com/logo.png",
      brandPrimaryColor: "#AA3300",
      notificationMode: "hybrid",
      hybridAutoSendHours: "12",
      costPerTicket: "7.25",
      noScanAlertDays: "5",
      quietHoursStart: "22",
      quietHoursEnd: "7",
      recommendationSource: "collection",
      recommendationCollection: "best-sellers",
      senderEmail: "help@example.com",
      "channel.delivered.email": null,
    });
    expect(r).toEqual({ ok: true });
    const shop = await t.db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    expect(shop).toMatchObject({
      brandLogoUrl: "https://cdn.example.com/logo.png",
      brandPrimaryColor: "#aa3300",
      notificationMode: "hybrid",
      hybridAutoSendHours: 12,
      costPerTicketCents: 725,
      noScanAlertDays: 5,
      quietHoursStart: 22,
      quietHoursEnd: 7,
      recommendationCollection: "best-sellers",
      senderEmail: "help@example.com",
    });
    expect((shop.milestoneChannels as Record<string, { email: boolean }>).delivered!.email).toBe(false);
    expect((await view()).channels.delivered.email).toBe(false);
  });

  it("returns a field error for each invalid field and changes nothing", async () => {
    const before = await t.db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    const r = await save({
      brandLogoUrl: "http://insecure.example.com/logo.png",
      brandPrimaryColor: "blue",
      quietHoursStart: "25",
      costPerTicket: "-1",
      noScanAlertDays: "0",
      receiptRetentionDays: "abc",
      senderEmail: "not-an-email",
      notificationMode: "sometimes",
      sendgridApiKey: "nope",
    });
    expect(r.ok).toBe(false);
    const errors = r.ok ? {} : r.fieldErrors;
    for (const field of [
      "brandLogoUrl",
      "brandPrimaryColor",
      "quietHoursStart",
      "costPerTicket",
      "noScanAlertDays",
      "receiptRetentionDays",
      "senderEmail",
      "notificationMode",
      "sendgridApiKey",
    ]) {
      expect(errors[field], field).toBeTypeOf("string");
    }
    expect(await t.db.shop.findUniqueOrThrow({ where: { domain: SHOP } })).toEqual(before);
  });

  it("checks rules across fields: collection source, quiet hours, SMS-capable milestones", async () => {
    const r1 = await save({ recommendationSource: "collection", recommendationCollection: "" });
    expect(r1.ok ? null : r1.fieldErrors.recommendationCollection).toMatch(/collection/);
    const r2 = await save({ quietHoursStart: "8", quietHoursEnd: "8" });
    expect(r2.ok ? null : r2.fieldErrors.quietHoursEnd).toBeTruthy();
    const r4 = await save({ smsTransactionalOk: "on", "channel.delivered.sms": "on" });
    expect(r4.ok ? null : r4.fieldErrors["channel.delivered.sms"]).toMatch(/only available/);
  });

  it("messages in doubt: resend automatically after N minutes (stored), or never (stored as null)", async () => {
    const stored = async () => (await t.db.shop.findUniqueOrThrow({ where: { domain: SHOP } })).inDoubtResendMinutes;
    expect(await save({ inDoubtResend: "auto", inDoubtResendMinutes: "45" })).toEqual({ ok: true });
    expect(await stored()).toBe(45);
    expect([(await view()).inDoubtResend, (await view()).inDoubtResendMinutes]).toEqual(["auto", "45"]);

    // The page sends the minutes blank with "never" (the field is hidden); never is stored as null.
    expect(await save({ inDoubtResend: "never", inDoubtResendMinutes: "" })).toEqual({ ok: true });
    expect(await stored()).toBeNull();
    // The form still offers the default, should staff switch back.
    expect([(await view()).inDoubtResend, (await view()).inDoubtResendMinutes]).toEqual(["never", "30"]);

    // The range's ends are accepted.
    for (const [minutes, expected] of [
      ["5", 5],
      ["1440", 1440],
      [" 60 ", 60],
    ] as const) {
      expect(await save({ inDoubtResend: "auto", inDoubtResendMinutes: minutes }), minutes).toEqual({ ok: true });
      expect(await stored()).toBe(expected);
    }
    // Auto with the minutes left blank: the default.
    expect(await save({ inDoubtResend: "auto", inDoubtResendMinutes: "" })).toEqual({ ok: true });
    expect(await stored()).toBe(30);
  });

  it("refuses a resend delay outside 5 to 1440 minutes, naming the field, and an unknown choice", async () => {
    await save({ inDoubtResend: "auto", inDoubtResendMinutes: "45" });
    const before = await t.db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    for (const bad of ["4", "0", "-30", "1441", "2.5", "soon", "1e9"]) {
      const r = await save({ inDoubtResend: "auto", inDoubtResendMinutes: bad });
      expect(r.ok, bad).toBe(false);
      expect(r.ok ? null : r.fieldErrors.inDoubtResendMinutes, bad).toMatch(/^Resend after /);
    }
    const r = await save({ inDoubtResend: "sometimes" });
    expect(r.ok ? null : r.fieldErrors.inDoubtResend).toBe("Choose whether to resend automatically or never");
    expect(await t.db.shop.findUniqueOrThrow({ where: { domain: SHOP } })).toEqual(before);
  });

  it("an older form without the in-doubt fields saves the default: resend automatically after 30 minutes", async () => {
    await save({ inDoubtResend: "auto", inDoubtResendMinutes: "90" });
    expect(await save({ inDoubtResend: null, inDoubtResendMinutes: null })).toEqual({ ok: true });
    expect((await t.db.shop.findUniqueOrThrow({ where: { domain: SHOP } })).inDoubtResendMinutes).toBe(30);
    expect([(await view()).inDoubtResend, (await view()).inDoubtResendMinutes]).toEqual(["auto", "30"]);
  });

  it("stores provider credentials encrypted, shows them masked, keeps them when left empty, removes them on request", async () => {
    expect(
      await save({
        sendgridApiKey: SENDGRID,
        twilioAccountSid: `AC${"a".repeat(32)}`,
        twilioAuthToken: "b".repeat(32),
      }),
    ).toEqual({ ok: true });
    const shop = await t.db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    expect(shop.sendgridApiKeyEnc).not.toContain("SG.");
    expect(decryptSecret(shop.sendgridApiKeyEnc!)).toBe(SENDGRID);
    const v = await view();
    expect(v.secrets.sendgridApiKey).toBe("••••6789");
    expect(v.sending.email).toBe("shop"); // the page now says email goes out with the shop's own account
    expect(JSON.stringify(v)).not.toContain(SENDGRID);
    expect(JSON.stringify(v)).not.toContain("b".repeat(32));

    expect(await save({})).toEqual({ ok: true }); // empty fields keep what is stored
    expect((await t.db.shop.findUniqueOrThrow({ where: { domain: SHOP } })).sendgridApiKeyEnc).toBe(
      shop.sendgridApiKeyEnc,
    );

    expect(await save({ "clear.twilioAuthToken": "on" })).toEqual({ ok: true });
    const after = await t.db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    expect(after.twilioAuthTokenEnc).toBeNull();
    expect(after.twilioAccountSidEnc).toBe(shop.twilioAccountSidEnc);
  });

  it("takes the SendGrid Event Webhook's verification key (base64 or PEM) only when it is a P-256 public key, stored like the credentials", async () => {
    const { publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const der = publicKey.export({ type: "spki", format: "der" }).toString("base64");
    const wrongCurve = crypto
      .generateKeyPairSync("ec", { namedCurve: "secp384r1" })
      .publicKey.export({ type: "spki", format: "der" })
      .toString("base64");
    for (const bad of ["not a key", wrongCurve]) {
      const r = await save({ sendgridWebhookKey: bad });
      expect(r.ok ? null : r.fieldErrors.sendgridWebhookKey).toMatch(/verification key/);
    }
    expect(await save({ sendgridWebhookKey: publicKey.export({ type: "spki", format: "pem" }).toString() })).toEqual({
      ok: true,
    });
    const shop = await t.db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    expect(decryptSecret(shop.sendgridWebhookKeyEnc!)).toBe(der); // PEM armour removed: stored as SendGrid shows it
    expect((await view()).secrets.sendgridWebhookKey).toBe(`••••${der.slice(-4)}`);
  });

  it("reports a shop that is not installed", async () => {
    const r = await saveSettings(t.db, "missing.myshopify.com", settingsFromForm(form(await view())));
    expect(r).toEqual({ ok: false, fieldErrors: { form: "This shop is not installed" } });
  });
});
