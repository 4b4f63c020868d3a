/**
 * Canonical host forms, the way the WHATWG URL standard serialises them
 * (https://url.spec.whatwg.org/#host-serializing). A browser never sends an `Origin` whose host is in
 * any other form, so anything else is refused rather than normalised: fail closed.
 *
 * Everything here is a linear scan over at most a few thousand characters; no regex.
 */

const DOT = 46;
const HYPHEN = 45;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isLowerAlpha(code: number): boolean {
  return code >= 97 && code <= 122;
}

function isLowerHexDigit(code: number): boolean {
  return isDigit(code) || (code >= 97 && code <= 102);
}

/** Whether `code` may appear in a serialised domain or IPv4 host: `[a-z0-9.-]`. */
export function isHostCodeUnit(code: number): boolean {
  return isLowerAlpha(code) || isDigit(code) || code === DOT || code === HYPHEN;
}

/**
 * Whether the last label of `host` makes the WHATWG parser treat the whole host as IPv4 ("ends in a
 * number": all digits, or `0x` followed by hex digits).
 */
function endsInNumber(host: string): boolean {
  const start = host.lastIndexOf('.') + 1;
  if (start === host.length) return false;
  if (host.charCodeAt(start) === 48 && host.charCodeAt(start + 1) === 120) {
    for (let i = start + 2; i < host.length; i++) if (!isLowerHexDigit(host.charCodeAt(i))) return false;
    return true;
  }
  for (let i = start; i < host.length; i++) if (!isDigit(host.charCodeAt(i))) return false;
  return true;
}

/** Whether `host` is a dotted quad exactly as browsers print it: four decimal parts 0–255, no leading zeros. */
export function isCanonicalIpv4(host: string): boolean {
  let parts = 0;
  let partStart = 0;
  for (let i = 0; i <= host.length; i++) {
    if (i < host.length && host.charCodeAt(i) !== DOT) {
      if (!isDigit(host.charCodeAt(i))) return false;
      continue;
    }
    const length = i - partStart;
    if (length === 0 || length > 3) return false;
    if (length > 1 && host.charCodeAt(partStart) === 48) return false;
    if (Number(host.slice(partStart, i)) > 255) return false;
    parts++;
    partStart = i + 1;
  }
  return parts === 4;
}

/**
 * Whether `host` (no brackets) is a canonical domain or IPv4 host: characters `[a-z0-9.-]`, no empty
 * label (so no leading, trailing or doubled dot), and, when it ends in a number, a canonical dotted quad.
 */
export function isCanonicalDomainOrIpv4(host: string): boolean {
  if (host.length === 0) return false;
  let previous = DOT; // a leading dot is an empty first label
  for (let i = 0; i < host.length; i++) {
    const code = host.charCodeAt(i);
    if (!isHostCodeUnit(code)) return false;
    if (code === DOT && previous === DOT) return false;
    previous = code;
  }
  if (previous === DOT) return false; // trailing dot: `https://example.com.` is another origin
  return endsInNumber(host) ? isCanonicalIpv4(host) : true;
}

function parseIpv6Pieces(text: string, into: number[]): boolean {
  if (text === '') return true;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && text.charCodeAt(i) !== 58) continue;
    const length = i - start;
    if (length === 0 || length > 4) return false;
    for (let j = start; j < i; j++) if (!isLowerHexDigit(text.charCodeAt(j))) return false;
    into.push(parseInt(text.slice(start, i), 16));
    start = i + 1;
  }
  return true;
}

/**
 * Parses the inside of an IPv6 literal (no brackets, lower-case hex, no embedded IPv4, no zone) and
 * prints it the WHATWG way: pieces without leading zeros, the first longest run of two or more zero
 * pieces compressed to `::`. Returns `null` when `text` is not an IPv6 address of that alphabet.
 */
export function canonicalIpv6(text: string): string | null {
  if (text.length < 2 || text.length > 39) return null;
  const gap = text.indexOf('::');
  const left: number[] = [];
  const right: number[] = [];
  if (gap === -1) {
    if (!parseIpv6Pieces(text, left) || left.length !== 8) return null;
  } else {
    if (text.indexOf('::', gap + 1) !== -1) return null;
    if (!parseIpv6Pieces(text.slice(0, gap), left) || !parseIpv6Pieces(text.slice(gap + 2), right)) return null;
    if (left.length + right.length > 7) return null;
  }
  const pieces = left.concat(new Array<number>(8 - left.length - right.length).fill(0), right);

  let compress = -1;
  let longest = 1;
  for (let i = 0; i < 8; ) {
    if (pieces[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < 8 && pieces[end] === 0) end++;
    if (end - i > longest) {
      longest = end - i;
      compress = i;
    }
    i = end;
  }

  let output = '';
  for (let i = 0; i < 8; i++) {
    if (compress !== -1 && i >= compress && i < compress + longest) {
      if (i === compress) output += i === 0 ? '::' : ':';
      continue;
    }
    output += (pieces[i] ?? 0).toString(16);
    if (i !== 7) output += ':';
  }
  return output;
}
