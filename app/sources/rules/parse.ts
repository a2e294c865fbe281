// Small total parsers for what sources send (strings that may be empty, times that may be invalid).

export function cleanOptional(v: string | null | undefined): string | null {
  const s = typeof v === "string" ? v.trim() : "";
  return s === "" ? null : s;
}

/** An ISO 8601 time, or null for anything that is not one. */
export function parseTime(v: string | null | undefined): Date | null {
  if (typeof v !== "string" || v.trim() === "") return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}
