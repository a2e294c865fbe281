// Recipients shown in lists to staff: enough to tell two apart, never the whole address or number.
import { describe, expect, it } from "vitest";
import { maskRecipient } from "~/lib/mask";

describe("maskRecipient", () => {
  it.each([
    ["alex@example.com", "a•••@example.com"],
    ["  Alex.Smith+orders@mail.example.co.uk ", "A•••@mail.example.co.uk"],
    ['"a@b"@example.com', '"•••@example.com'], // the domain is after the last @
  ])("email %s → %s", (value, masked) => {
    expect(maskRecipient(value)).toBe(masked);
  });

  it.each([
    ["+14155552671", "•••2671"],
    ["+33612345678", "•••5678"],
    ["+1 (415) 555-2671", "•••2671"],
    ["4155552671", "•••2671"],
  ])("phone %s → %s", (value, masked) => {
    expect(maskRecipient(value)).toBe(masked);
  });

  it("never shows more than the last four digits of a number, or the local part of an address", () => {
    expect(maskRecipient("+14155552671")).not.toMatch(/415|555/);
    expect(maskRecipient("alex@example.com")).not.toContain("lex");
  });

  it.each([
    ["12345", "1•••"], // too short to be a phone number: not its last digits
    ["x", "x•••"],
    ["@example.com", "@•••"], // no local part: not an address
    ["customer-42", "c•••"],
    ["whatsapp:+14155552671", "w•••"],
  ])("anything else %s → its first character and •••", (value, masked) => {
    expect(maskRecipient(value)).toBe(masked);
  });

  it.each([[""], ["   "], [null], [undefined]])("blank %s → empty", (value) => {
    expect(maskRecipient(value)).toBe("");
  });
});
