// Configuration (src/config.ts) and the photo fetcher's URL policy both read origins this way.

/** `scheme://host[:port]` of an http(s) origin as written in configuration, or null when it is not exactly one. */
export function exactOrigin(text: string): string | null {
  if (!URL.canParse(text)) return null;
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') return null;
  return url.origin;
}
