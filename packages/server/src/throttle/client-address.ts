import { isIP } from 'node:net';

/**
 * Canonical throttle key for a client address (security-catalogue L5).
 *
 * better-auth's limiter keyed on the raw text of the address (CVE-2026-45364): `::ffff:1.2.3.4`,
 * `::FFFF:1.2.3.4` and `0:0:0:0:0:ffff:1.2.3.4` were three clients, and so was every address of one
 * IPv6 /64. Here:
 *
 * - IPv4 stays as is (`node:net` `isIP` already refuses leading zeros and other spellings);
 * - an IPv4-mapped IPv6 address (`::ffff:0:0/96`, in any spelling) becomes its IPv4 address, because a
 *   dual-stack socket reports IPv4 clients that way;
 * - any other IPv6 address becomes its /64, written `h1:h2:h3:h4::/64` (lower-case hex, no leading
 *   zeros, no `::` compression inside the prefix), because one subscriber or one VPS gets a whole /64 and
 *   can rotate through 2^64 addresses;
 * - brackets (`[2001:db8::1]`, optionally with `:port`) and zone ids (`fe80::1%eth0`) are dropped;
 * - anything else becomes `unknown:` plus the lower-cased input cut to 64 characters, so it still
 *   counts (against one shared bucket per spelling) and cannot blow up key sizes.
 *
 * Never throws.
 */
export function normalizeClientAddress(address: string): string {
  if (typeof address !== 'string') return 'unknown:';
  const candidate = unwrap(address.trim());
  const family = isIP(candidate);
  if (family === 4) return candidate;
  if (family === 6) {
    const hextets = expandIPv6(candidate);
    if (hextets !== null) return canonicalIPv6(hextets);
  }
  return `unknown:${address.toLowerCase().slice(0, 64)}`;
}

/** `[addr]` or `[addr]:port` → `addr`; then an IPv6 zone id (`%eth0`) is cut off. */
function unwrap(text: string): string {
  const bracketed = /^\[([^\]]*)\](?::\d{1,5})?$/.exec(text);
  const inner = bracketed === null ? text : (bracketed[1] ?? '');
  const percent = inner.indexOf('%');
  return percent !== -1 && inner.includes(':') ? inner.slice(0, percent) : inner;
}

function canonicalIPv6(hextets: readonly number[]): string {
  const [h0 = 0, h1 = 0, h2 = 0, h3 = 0, h4 = 0, h5 = 0, h6 = 0, h7 = 0] = hextets;
  if (h0 === 0 && h1 === 0 && h2 === 0 && h3 === 0 && h4 === 0 && h5 === 0xffff) {
    return `${h6 >> 8}.${h6 & 0xff}.${h7 >> 8}.${h7 & 0xff}`;
  }
  return `${[h0, h1, h2, h3].map((h) => h.toString(16)).join(':')}::/64`;
}

/**
 * The eight 16-bit groups of an IPv6 address that `isIP` accepted (so at most one `::`, at most four
 * hex digits a group, and an optional dotted IPv4 tail). `null` if, against expectation, it does not add
 * up; the caller then falls back to the `unknown:` key.
 */
function expandIPv6(address: string): number[] | null {
  let text = address;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    // `::ffff:1.2.3.4`: the dotted quad stands for the last two groups.
    const octets = text.slice(lastColon + 1).split('.').map(Number);
    if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return null;
    const [a = 0, b = 0, c = 0, d = 0] = octets;
    tail.push((a << 8) | b, (c << 8) | d);
    // Keep the colon(s) before the quad: `::1.2.3.4` leaves `::`, `1::2:1.2.3.4` leaves `1::2:`.
    text = text.slice(0, lastColon + 1);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }

  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string | undefined): number[] | null => {
    if (part === undefined || part === '') return [];
    const groups = part.split(':').map((group) => (/^[0-9a-f]{1,4}$/i.test(group) ? parseInt(group, 16) : NaN));
    return groups.some(Number.isNaN) ? null : groups;
  };
  const head = parse(halves[0]);
  const rest = parse(halves[1]);
  if (head === null || rest === null) return null;

  const explicit = head.length + rest.length + tail.length;
  if (halves.length === 1) return explicit === 8 ? [...head, ...tail] : null;
  if (explicit > 7) return null;
  return [...head, ...new Array<number>(8 - explicit).fill(0), ...rest, ...tail];
}
