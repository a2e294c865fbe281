// A customer's address shown to staff where they only need to recognise it (lists of messages): enough
// to tell two apart, not enough to copy. The full address stays on the order's own page.

/** "alex@example.com" → "a•••@example.com"; "+14155552671" → "•••2671"; anything else → its first character and "•••". */
export function maskRecipient(value: string | null | undefined): string {
  const v = (value ?? "").trim();
  if (!v) return "";
  const at = v.lastIndexOf("@");
  if (at > 0) return `${v[0]}•••${v.slice(at)}`;
  const digits = v.replace(/[^\d]/g, "");
  if (/^\+?[\d\s().-]+$/.test(v) && digits.length >= 7) return `•••${digits.slice(-4)}`;
  return `${v[0]}•••`;
}
