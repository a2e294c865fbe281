// The adapters against local fakes of the real APIs: EasyPost through its official client, 17TRACK
// v2.2 over fetch. Exact documented requests, answers read, refusals as SourceRejected, pushes signed
// and forged.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PushSignatureError, SourceRejected } from "~/sources/adapter";
import { EasyPostSource } from "~/sources/adapters/easypost.server";
import { SeventeenTrackSource } from "~/sources/adapters/seventeen-track.server";
import {
  FAKE_17TRACK_CARRIER,
  startFakeEasyPost,
  startFakeSeventeenTrack,
  type FakeEasyPost,
  type FakeSeventeenTrack,
} from "../../scripts/simulator/carrier-sources";

let ep: FakeEasyPost;
let st: FakeSeventeenTrack;
beforeAll(async () => {
  [ep, st] = await Promise.all([startFakeEasyPost(), startFakeSeventeenTrack()]);
});
afterAll(async () => Promise.all([ep.close(), st.close()]));
beforeEach(() => {
  ep.reset();
  st.reset();
});

describe("EasyPostSource (@easypost/api)", () => {
  const source = (key = ep.apiKey) => new EasyPostSource(key, { baseUrl: ep.baseUrl, webhookSecret: ep.webhookSecret });

  it("creates a tracker with tracking_code and EasyPost's carrier name, polls it by id, and deletes it", async () => {
    const r = await source().register("1Z999AA10123456784", "ups");
    expect(r.externalId).toMatch(/^trk_/);
    const create = ep.requests[0]!;
    expect([create.method, create.path]).toEqual(["POST", "/v2/trackers"]);
    expect(JSON.parse(create.body)).toEqual({ tracker: { tracking_code: "1Z999AA10123456784", carrier: "UPS" } });
    ep.scan("1Z999AA10123456784", { status: "in_transit", message: "Departed", at: "2026-12-03T08:00:00Z" });
    const snap = await source().poll({ trackingNumber: "1Z999AA10123456784", externalId: r.externalId });
    expect(ep.requests.at(-1)).toMatchObject({ method: "GET", path: `/v2/trackers/${r.externalId}` });
    expect(snap?.events.map((e) => e.status)).toEqual(["in_transit"]);
    await source().unregister({ trackingNumber: "1Z999AA10123456784", externalId: r.externalId });
    expect(ep.requests.at(-1)).toMatchObject({ method: "DELETE", path: `/v2/trackers/${r.externalId}` });
    // Already gone: stopped is stopped.
    await source().unregister({ trackingNumber: "1Z999AA10123456784", externalId: r.externalId });
    expect(ep.problems).toEqual([]);
  });

  it("tests the connection with the key, and reads a bad key as a refusal", async () => {
    await source().testConnection();
    expect(ep.requests.at(-1)).toMatchObject({ method: "GET", path: "/v2/trackers" });
    expect(ep.requests.at(-1)!.query.get("page_size")).toBe("1");
    await expect(source("EZTK_wrong").register("EZ1000000001", null)).rejects.toBeInstanceOf(SourceRejected);
  });

  it("verifies X-Hmac-Signature with the library's own check", async () => {
    await source().register("EZ1000000001", null);
    ep.scan("EZ1000000001", { status: "delivered", message: "Delivered", at: "2026-12-04T12:00:00Z" });
    const good = ep.signedEvent("EZ1000000001");
    const read = source().readPush(Buffer.from(good.body), new Headers(good.headers));
    expect(read.snapshots[0]).toMatchObject({ trackingNumber: "EZ1000000001", final: true });
    const forged = ep.signedEvent("EZ1000000001", { secret: "guess" });
    expect(() => source().readPush(Buffer.from(forged.body), new Headers(forged.headers))).toThrow(PushSignatureError);
    expect(() => source().readPush(Buffer.from(good.body), new Headers())).toThrow(PushSignatureError);
    const noSecret = new EasyPostSource(ep.apiKey, { baseUrl: ep.baseUrl });
    expect(() => noSecret.readPush(Buffer.from(good.body), new Headers(good.headers))).toThrow(PushSignatureError);
  });
});

describe("SeventeenTrackSource (API v2.2)", () => {
  const source = (key = st.apiKey) => new SeventeenTrackSource(key, { baseUrl: st.url });

  it("registers with auto-detection: POST /track/v2.2/register, 17token, a JSON array of { number }", async () => {
    const r = await source().register("RX123456789FR");
    expect(r.externalId).toBe(String(FAKE_17TRACK_CARRIER));
    const req = st.requests[0]!;
    expect([req.method, req.path]).toEqual(["POST", "/track/v2.2/register"]);
    expect(req.headers["17token"]).toBe(st.apiKey);
    expect(req.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(req.body)).toEqual([{ number: "RX123456789FR" }]);
    // Registering again is 17TRACK's -18019901 "already registered": as good as accepted.
    await expect(source().register("RX123456789FR")).resolves.toMatchObject({ externalId: null });
    expect(st.problems).toEqual([]);
  });

  it("polls with gettrackinfo and stops with stoptrack, naming the detected carrier", async () => {
    await source().register("RX123456789FR");
    st.scan(
      "RX123456789FR",
      { status: "InTransit_Arrival", message: "Arrived in France", at: "2026-12-03T08:00:00Z", country: "FR" },
      "2026-12-06T00:00:00Z",
    );
    const ref = { trackingNumber: "RX123456789FR", externalId: String(FAKE_17TRACK_CARRIER) };
    const snap = await source().poll(ref);
    expect(JSON.parse(st.requests.at(-1)!.body)).toEqual([{ number: "RX123456789FR", carrier: FAKE_17TRACK_CARRIER }]);
    expect(st.requests.at(-1)!.path).toBe("/track/v2.2/gettrackinfo");
    expect(snap).toMatchObject({ carrier: "Regional Express", final: false });
    expect(snap?.estimatedDeliveryAt?.toISOString()).toBe("2026-12-06T00:00:00.000Z");
    await source().unregister(ref);
    expect(st.requests.at(-1)!.path).toBe("/track/v2.2/stoptrack");
    expect(st.registered.get("RX123456789FR")?.tracking).toBe(false);
  });

  it("refuses a bad key and an invalid number", async () => {
    await expect(source("wrong").testConnection()).rejects.toBeInstanceOf(SourceRejected);
    await source().testConnection();
    expect(st.requests.at(-1)!.path).toBe("/track/v2.2/getquota");
    await expect(source().register("X1")).rejects.toBeInstanceOf(SourceRejected);
  });

  it("verifies sign = sha256(body + '/' + key)", async () => {
    await source().register("RX123456789FR");
    st.scan("RX123456789FR", { status: "Delivered_Other", message: "Delivered", at: "2026-12-04T12:00:00Z" });
    const good = st.signedPush("RX123456789FR");
    expect(source().readPush(Buffer.from(good.body), new Headers(good.headers)).snapshots[0]).toMatchObject({
      final: true,
    });
    const forged = st.signedPush("RX123456789FR", { key: "guess" });
    expect(() => source().readPush(Buffer.from(forged.body), new Headers(forged.headers))).toThrow(PushSignatureError);
    expect(() => source().readPush(Buffer.from(good.body + " "), new Headers(good.headers))).toThrow(
      PushSignatureError,
    );
  });
});
