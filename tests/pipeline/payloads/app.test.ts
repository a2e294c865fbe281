import { describe, expect, it } from "vitest";
import { parseAppScopesUpdate, parseAppUninstalled } from "../../../app/pipeline/payloads/app";
import { IDS, SHOP_DOMAIN, loadFixture } from "../../../scripts/simulator/payloads";

describe("app topics", () => {
  it("reads app/uninstalled and app/scopes_update", () => {
    expect(parseAppUninstalled(loadFixture("app-uninstalled"))).toEqual({
      shopId: IDS.shop,
      shopDomain: SHOP_DOMAIN,
      shopName: "Waypoint Demo",
    });
    const scopes = parseAppScopesUpdate(loadFixture("app-scopes_update"));
    expect(scopes.current).toContain("read_returns");
    expect(scopes.previous).not.toContain("read_returns");
    expect(scopes.updatedAt?.toISOString()).toBe("2026-11-15T17:30:00.000Z");
  });
});
