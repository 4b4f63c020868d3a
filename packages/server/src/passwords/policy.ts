import { PASSWORD_MAX_CODE_POINTS, PASSWORD_MIN_CODE_POINTS } from '@crossauth/protocol';

/**
 * Password and email input rules (DESIGN.md "Passwords"; security-catalogue L6, L9, L5).
 *
 * Both functions take `unknown` because they sit right behind `JSON.parse`: they never throw, and an
 * expected "no" is a value the route turns into 422 `weak_password` / 400 `bad_request`.
 */

export type PasswordCheck = { ok: true; password: string } | { ok: false; message: string };

/**
 * Lone UTF-16 surrogates (`"\ud800"` is valid JSON) are not characters. The hasher encodes passwords
 * as UTF-8, where every lone surrogate becomes U+FFFD, so `"\ud800…"` and `"\udbff…"` would hash
 * alike: refusing them keeps "never reduce entropy" (L9) true. With the `u` flag, `\p{Cs}` matches only
 * unpaired surrogates, because a well-formed pair is read as one astral code point.
 */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Cheap bound on UTF-16 length checked before normalising, so a caller that skipped the body-size
 * limit cannot make us normalise megabytes. No canonical composition shrinks text by more than
 * 4 code points (8 code units) to 1, so a factor of 16 never refuses a password NFC would accept.
 */
const MAX_RAW_CODE_UNITS = PASSWORD_MAX_CODE_POINTS * 16;

/**
 * Normalises a password for hashing: NFC, then 8 to 1024 Unicode code points.
 *
 * Deliberately absent: composition rules, trimming, case folding, truncation (ASVS 6.2.x, L6). Spaces,
 * emoji and NUL are allowed; NFC only maps canonically equivalent spellings (a macOS keyboard's NFD
 * "é" and a Windows keyboard's NFC "é") to one, so a user can log in from either (L9).
 */
export function normalizePassword(value: unknown): PasswordCheck {
  if (typeof value !== 'string') return { ok: false, message: 'The password must be a string.' };
  if (value.length > MAX_RAW_CODE_UNITS) return tooLong();
  if (LONE_SURROGATE.test(value)) {
    return { ok: false, message: 'The password must be well-formed Unicode text (no lone surrogates).' };
  }
  const password = value.normalize('NFC');
  const codePoints = countCodePoints(password);
  if (codePoints < PASSWORD_MIN_CODE_POINTS) {
    return { ok: false, message: `The password must be at least ${PASSWORD_MIN_CODE_POINTS} characters long.` };
  }
  if (codePoints > PASSWORD_MAX_CODE_POINTS) return tooLong();
  return { ok: true, password };
}

function tooLong(): PasswordCheck {
  return { ok: false, message: `The password must be at most ${PASSWORD_MAX_CODE_POINTS} characters long.` };
}

/** Code points, not UTF-16 units: an emoji outside the BMP counts as one character, as a user sees it. */
function countCodePoints(text: string): number {
  let count = 0;
  // for…of on a string walks code points.
  for (const _codePoint of text) count += 1;
  return count;
}

/** RFC 5321 path limit (256) minus the angle brackets: the longest address mail can be sent to. */
const MAX_EMAIL_LENGTH = 254;

/**
 * Whitespace (`\s`, including NBSP), separators (`\p{Z}`), controls (`\p{Cc}`), invisible format
 * characters (`\p{Cf}`: zero-width space/joiner, soft hyphen, BOM, bidi overrides) and lone surrogates
 * (`\p{Cs}`). Format characters would let `vic\u200Btim@x.com` look like the victim's address while
 * being a different uniqueness and throttle key (L5, "Unicode look-alikes").
 */
const FORBIDDEN_IN_EMAIL = /[\s\p{Z}\p{Cc}\p{Cf}\p{Cs}]/u;

/**
 * Canonical form of an email address, the key for uniqueness and throttling; `null` when invalid.
 *
 * Steps: must be a string; trimmed; lower-cased; NFC; at most 254 UTF-16 units; exactly one `@` with a
 * non-empty local part; a domain of at least two non-empty dot-separated labels (so `x.com.` and
 * `x..com` are not aliases of `x.com`); no whitespace, control or invisible characters anywhere.
 *
 * Why lower-casing the whole address is acceptable: RFC 5321 lets a mail server treat the local part
 * as case-sensitive, but practically no provider does, and users type `Victim@X.com` and
 * `victim@x.com` interchangeably. The canonical form is what makes one account per person and one
 * throttle counter per account: without it, case variants would create duplicate accounts and would
 * let an attacker start a fresh failure counter per spelling (L5). The price — two mailboxes that
 * differ only by case on an exotic server cannot both sign up — is one we accept. Lower-casing in JS is
 * locale-independent, so the key is the same on every server. Lower-case before NFC because
 * lower-casing can emit combining marks (`İ` → `i̇`); NFC last leaves a stable form.
 */
export function normalizeEmail(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // Bound the work before normalising; nobody types an address padded with 700 spaces.
  if (value.length > MAX_EMAIL_LENGTH * 4) return null;
  const email = value.trim().toLowerCase().normalize('NFC');
  if (email.length === 0 || email.length > MAX_EMAIL_LENGTH) return null;
  if (FORBIDDEN_IN_EMAIL.test(email)) return null;

  const at = email.indexOf('@');
  if (at <= 0 || email.indexOf('@', at + 1) !== -1) return null;
  const labels = email.slice(at + 1).split('.');
  if (labels.length < 2 || labels.some((label) => label.length === 0)) return null;
  return email;
}
