/** Parses an RFC 8288 `Link` header into `{ rel: url }` (ConnectWise pages with it). */
export function parseLinkHeader(header: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  if (!header) return links;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = part.match(/<([^>]*)>\s*;\s*rel="?([^";]+)"?/);
    if (match) links[match[2]!.trim()] = match[1]!;
  }
  return links;
}
