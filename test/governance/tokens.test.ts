import { scrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashSecret, mintToken, parseToken, verifySecret } from '../../src/governance/tokens.js';

const ID = 'AbCdEfGh_-12';
const SECRET = `${'S'.repeat(21)}_-${'x'.repeat(20)}`;

describe('mintToken', () => {
  it('makes po_<12-char id>_<43-char secret> tokens whose secret only the hash can check', async () => {
    const minted = await mintToken();
    expect(minted.token).toMatch(/^po_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{43}$/);
    const parsed = parseToken(minted.token);
    expect(parsed?.id).toBe(minted.id);
    expect(minted.secretHash).not.toContain(parsed!.secret);
    expect(await verifySecret(parsed!.secret, minted.secretHash)).toBe(true);
  });

  it('never repeats an id or a secret', async () => {
    const tokens = await Promise.all(Array.from({ length: 5 }, () => mintToken()));
    expect(new Set(tokens.map((t) => t.id)).size).toBe(5);
    expect(new Set(tokens.map((t) => t.token)).size).toBe(5);
  });
});

describe('parseToken', () => {
  it('splits a well-formed token, even when id and secret contain "_" and "-"', () => {
    expect(SECRET).toHaveLength(43);
    expect(parseToken(`po_${ID}_${SECRET}`)).toEqual({ id: ID, secret: SECRET });
    expect(parseToken(`po_${'_'.repeat(12)}_${SECRET}`)).toEqual({ id: '____________', secret: SECRET });
  });

  it.each([
    ['empty', ''],
    ['no prefix', `${ID}_${SECRET}`],
    ['another prefix', `pk_${ID}_${SECRET}`],
    ['upper-case prefix', `PO_${ID}_${SECRET}`],
    ['a short id', `po_${ID.slice(1)}_${SECRET}`],
    ['a long id', `po_${ID}x_${SECRET}`],
    ['a short secret', `po_${ID}_${SECRET.slice(1)}`],
    ['a long secret', `po_${ID}_${SECRET}x`],
    ['base64 characters outside base64url', `po_${ID}_${SECRET.slice(0, -1)}+`],
    ['padding', `po_${ID}_${SECRET.slice(0, -1)}=`],
    ['whitespace', ` po_${ID}_${SECRET}`],
    ['a trailing newline', `po_${ID}_${SECRET}\n`],
    ['an id with a bad character', `po_${ID.slice(0, -1)}/_${SECRET}`],
    ['only the prefix', 'po_'],
  ])('refuses %s', (_, token) => {
    expect(parseToken(token)).toBeNull();
  });
});

describe('hashSecret / verifySecret', () => {
  it('stores scrypt$N$r$p$salt$key with a fresh salt each time', async () => {
    const a = await hashSecret(SECRET);
    const b = await hashSecret(SECRET);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(SECRET);
    expect(await verifySecret(SECRET, a)).toBe(true);
    expect(await verifySecret(SECRET, b)).toBe(true);
  });

  it('refuses another secret', async () => {
    const stored = await hashSecret(SECRET);
    expect(await verifySecret(`${SECRET.slice(0, -1)}y`, stored)).toBe(false);
    expect(await verifySecret('', stored)).toBe(false);
  });

  it('checks against the cost the hash was made with', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const key = await new Promise<Buffer>((resolve, reject) =>
      scrypt(SECRET, salt, 32, { N: 1024, r: 4, p: 2 }, (err, k) => (err ? reject(err) : resolve(k))),
    );
    const stored = `scrypt$1024$4$2$${salt.toString('base64url')}$${key.toString('base64url')}`;
    expect(await verifySecret(SECRET, stored)).toBe(true);
    expect(await verifySecret(SECRET, stored.replace('scrypt$1024$4$2', 'scrypt$1024$4$1'))).toBe(false);
  });

  describe('a tampered or malformed hash verifies nothing (and never throws)', () => {
    const cases: Array<[string, (stored: string) => string]> = [
      ['another algorithm', (s) => s.replace(/^scrypt/, 'bcrypt')],
      ['a missing field', (s) => s.split('$').slice(0, 5).join('$')],
      ['an extra field', (s) => `${s}$x`],
      ['a flipped key character', (s) => s.slice(0, -2) + (s.at(-2) === 'A' ? 'B' : 'A') + s.at(-1)],
      ['a truncated key', (s) => s.slice(0, -4)],
      ['an empty key', (s) => s.slice(0, s.lastIndexOf('$') + 1)],
      ['another salt', (s) => s.replace(/\$[^$]+(\$[^$]+)$/, '$AAAAAAAAAAAAAAAAAAAAAA$1')],
      ['N = 0', (s) => s.replace('$16384$', '$0$')],
      ['N not a number', (s) => s.replace('$16384$', '$lots$')],
      ['N not a power of two', (s) => s.replace('$16384$', '$16383$')],
      ['N beyond the memory limit', (s) => s.replace('$16384$', '$1073741824$')],
      ['r = 0', (s) => s.replace('$8$1$', '$0$1$')],
      ['p negative', (s) => s.replace('$8$1$', '$8$-1$')],
      ['an empty string', () => ''],
    ];
    it.each(cases)('%s', async (_, tamper) => {
      const stored = await hashSecret(SECRET);
      await expect(verifySecret(SECRET, tamper(stored))).resolves.toBe(false);
    });
  });
});
