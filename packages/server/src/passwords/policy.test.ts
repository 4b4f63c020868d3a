import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { normalizeEmail, normalizePassword } from './policy.js';

const accepted = (value: unknown): string => {
  const result = normalizePassword(value);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(value)} to be accepted: ${result.message}`);
  return result.password;
};

describe('L6 password policy', () => {
  test('accepts 8 and 1024 code points and refuses 7 and 1025', () => {
    expect(normalizePassword('a'.repeat(8)).ok).toBe(true);
    expect(normalizePassword('a'.repeat(1024)).ok).toBe(true);
    expect(normalizePassword('a'.repeat(7))).toEqual({ ok: false, message: expect.stringContaining('at least 8') });
    expect(normalizePassword('a'.repeat(1025))).toEqual({ ok: false, message: expect.stringContaining('at most 1024') });
  });

  test('accepts passwords of 64 characters and more', () => {
    expect(accepted('x'.repeat(64))).toBe('x'.repeat(64));
    expect(accepted('correct horse battery staple '.repeat(10)).length).toBe(290);
  });

  test('counts an emoji outside the BMP as one character, not two UTF-16 units', () => {
    // Seven emoji are 14 UTF-16 units but 7 code points: too short.
    expect(normalizePassword('😀'.repeat(7)).ok).toBe(false);
    expect(accepted('😀'.repeat(8))).toBe('😀'.repeat(8));
    // 1024 emoji (2048 units) are within the limit.
    expect(normalizePassword('😀'.repeat(1024)).ok).toBe(true);
    expect(normalizePassword('😀'.repeat(1025)).ok).toBe(false);
  });

  test('maps the NFD and NFC spellings of the same text to one password', () => {
    const nfc = 'caf\u00e9 cr\u00e8me br\u00fbl\u00e9e';
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    expect(accepted(nfd)).toBe(accepted(nfc));
  });

  test('counts length after normalisation', () => {
    // Eight "é" typed as e + combining acute are 16 code points before NFC and 8 after.
    expect(accepted('e\u0301'.repeat(8))).toBe('\u00e9'.repeat(8));
  });

  test('never truncates: two 1024-code-point passwords differing only at the end stay different', () => {
    const a = accepted(`${'p'.repeat(1023)}a`);
    const b = accepted(`${'p'.repeat(1023)}b`);
    expect(a).not.toBe(b);
    expect([...a]).toHaveLength(1024);
  });

  test('does not trim, fold case or impose composition rules', () => {
    expect(accepted('  Spaces Matter  ')).toBe('  Spaces Matter  ');
    expect(accepted('ALLUPPERCASE')).toBe('ALLUPPERCASE');
    expect(accepted('aaaaaaaa')).toBe('aaaaaaaa');
  });

  test('L9 allows NUL and any other character', () => {
    expect(accepted('abc\u0000defgh')).toBe('abc\u0000defgh');
    expect(accepted('пароль密码🔑\t\n')).toBe('пароль密码🔑\t\n');
  });

  test('L9 refuses lone surrogates, which UTF-8 would collapse into one replacement character', () => {
    expect(normalizePassword('abcdefgh\ud800').ok).toBe(false);
    expect(normalizePassword('abcdefgh\udc00').ok).toBe(false);
  });

  test('L9 refuses a huge string without normalising it', () => {
    expect(normalizePassword('a'.repeat(1_000_000)).ok).toBe(false);
  });

  test('refuses anything that is not a string', () => {
    for (const value of [undefined, null, 12345678, ['password1'], { toString: () => 'password1' }]) {
      expect(normalizePassword(value).ok).toBe(false);
    }
  });

  test('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        normalizePassword(value);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 1100 }), (value) => {
        const result = normalizePassword(value);
        if (result.ok) expect(result.password).toBe(result.password.normalize('NFC'));
      }),
    );
  });
});

describe('email normalisation (L5 account variants)', () => {
  test('trims, lower-cases and NFC-normalises', () => {
    expect(normalizeEmail(' Victim@X.com ')).toBe('victim@x.com');
    expect(normalizeEmail('VICTIM@X.COM')).toBe('victim@x.com');
    expect(normalizeEmail('Jose\u0301@example.com')).toBe('jos\u00e9@example.com');
  });

  test('accepts ordinary addresses', () => {
    expect(normalizeEmail('a.b+tag@sub.example.co.uk')).toBe('a.b+tag@sub.example.co.uk');
    expect(normalizeEmail('用户@例子.广告')).toBe('用户@例子.广告');
  });

  test('refuses addresses without exactly one @, a local part and a dotted domain', () => {
    for (const value of ['', '   ', 'victim', '@x.com', 'victim@', 'victim@x', 'a@b@x.com', 'victim@.com', 'victim@x.com.', 'victim@x..com']) {
      expect(normalizeEmail(value), value).toBeNull();
    }
  });

  test('refuses whitespace, control and invisible characters inside', () => {
    for (const value of ['vic tim@x.com', 'victim@x .com', 'vic\ttim@x.com', 'vic\u0000tim@x.com', 'vic\u200btim@x.com', 'vic\u00a0tim@x.com', 'vic\u202etim@x.com', 'vic\ud800tim@x.com']) {
      expect(normalizeEmail(value), JSON.stringify(value)).toBeNull();
    }
  });

  test('refuses addresses longer than 254 characters', () => {
    const domain = '@example.com';
    expect(normalizeEmail('a'.repeat(254 - domain.length) + domain)).not.toBeNull();
    expect(normalizeEmail('a'.repeat(255 - domain.length) + domain)).toBeNull();
  });

  test('refuses anything that is not a string', () => {
    for (const value of [undefined, null, 42, ['a@x.com'], { email: 'a@x.com' }]) {
      expect(normalizeEmail(value)).toBeNull();
    }
  });

  test('never throws, and its output is a fixed point', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        normalizeEmail(value);
      }),
    );
    fc.assert(
      fc.property(fc.oneof(fc.emailAddress(), fc.string({ unit: 'binary' })), (value) => {
        const email = normalizeEmail(value);
        if (email !== null) expect(normalizeEmail(email)).toBe(email);
      }),
    );
  });
});
