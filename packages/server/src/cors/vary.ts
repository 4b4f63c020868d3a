/**
 * `Vary` merging. A response that depends on `Origin` must say so, or a shared cache serves one
 * origin's grant to another (https://developer.mozilla.org/docs/Web/HTTP/Reference/Headers/Vary,
 * catalogue C12). Values are appended to whatever the response already varies on, never replaced, and
 * never taken from the request (GHSA-q7jf-gf43-6x6p: hono copied the request's `Vary`).
 */

/**
 * Appends the comma-separated field names of `addition` to `existing`, skipping names already there
 * (compared case-insensitively). `*` absorbs everything. Linear in the two lengths.
 */
export function mergeVary(existing: string | undefined, addition: string): string {
  if (existing === undefined || existing.trim() === '') return addition;
  const present = new Set<string>();
  for (const name of existing.split(',')) {
    const key = name.trim().toLowerCase();
    if (key === '*') return '*';
    if (key !== '') present.add(key);
  }
  let merged = existing.trim();
  for (const name of addition.split(',')) {
    const trimmed = name.trim();
    const key = trimmed.toLowerCase();
    if (key === '*') return '*';
    if (key === '' || present.has(key)) continue;
    present.add(key);
    merged += `, ${trimmed}`;
  }
  return merged;
}
