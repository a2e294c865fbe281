// Postcodes in carriers' tracking links. Some carriers put the destination's postcode in the link to
// their tracking page (PostNL, DPD), so such a link says where the parcel goes. Compared the way the
// two are written: case, spaces and URL-encoded spaces (%20) ignored.

/** The postcode as compared: lower case, no spaces; null when there is none. */
function comparable(postcode: string | null | undefined): string | null {
  const p = postcode?.replace(/\s/g, "").toLowerCase();
  return p ? p : null;
}

/** Whether `url` carries `postcode` (false when there is no postcode to look for). */
export function urlCarriesPostcode(url: string, postcode: string | null | undefined): boolean {
  const p = comparable(postcode);
  return (
    p !== null &&
    url
      .replace(/\s|%20/gi, "")
      .toLowerCase()
      .includes(p)
  );
}
