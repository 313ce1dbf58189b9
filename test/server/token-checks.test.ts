/**
 * Token checks over real HTTP, on both engines: wrong secrets are throttled per client address
 * (and per address and token id), never per token id alone, so nobody can lock someone else's
 * token out; a valid secret is accepted whatever others guessed; and many requests with one token
 * share one scrypt check. Clients at different addresses are requests leaving from different
 * loopback addresses; the server's clock for its token cache is a test clock, moved by hand.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FAILED_CHECKS_PER_ADDRESS,
  FAILED_CHECKS_PER_ADDRESS_AND_ID,
  networkOf,
} from '../../src/server/auth.js';
import type { Store } from '../../src/store/index.js';
import {
  errorCode,
  isErrorBody,
  PROJECT,
  type Reply,
  serverEngines,
  startServer,
  type TestServer,
} from './support.js';

const ENGINES = serverEngines('tokens');
const CACHE_MS = 5_000;
const MINUTE = 60_000;
const URL = `/v1/projects/${PROJECT}/prompts`;

/** A well-formed token for `token`'s id with a random (wrong) secret. */
function forge(token: string): string {
  return `po_${token.slice(3, 15)}_${randomBytes(32).toString('base64url')}`;
}

/** A well-formed token whose id the server never issued. */
function stranger(): string {
  return `po_${randomBytes(9).toString('base64url')}_${randomBytes(32).toString('base64url')}`;
}

function expectError(reply: Reply, status: number, code: string): void {
  expect({ status: reply.status, code: errorCode(reply) }, reply.text).toEqual({ status, code });
  expect(isErrorBody(reply), reply.text).toBe(true);
}

describe.each(ENGINES)('token checks ($name)', (engine) => {
  let server: TestServer;
  let clock = Date.now();
  /** How many times the server asked the store to verify a token (each one a scrypt hash). */
  let checks = 0;
  let addresses = 1;
  /** A loopback address no earlier test has sent from. */
  const newAddress = () => `127.0.0.${++addresses}`;
  const issue = async (subject: string) =>
    (await server.store.createToken({ subject, name: 'test' }, 'test')).token;

  beforeAll(async () => {
    const counting = (store: Store): Store =>
      new Proxy(store, {
        get(target, name) {
          if (name === 'authenticate') {
            return (token: string) => {
              checks++;
              return target.authenticate(token);
            };
          }
          const value = Reflect.get(target, name, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    server = await startServer({ authCacheMs: CACHE_MS, now: () => clock }, engine.url, counting);
    await server.store.grantRole('admin@example.com', 'admin', 'test');
    await server.store.grantRole('viewer@example.com', 'viewer', 'test');
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await engine.drop();
  });

  it('a viewer guessing secrets for an admin’s token id does not lock the admin out', async () => {
    const admin = await issue('admin@example.com');
    const viewer = await issue('viewer@example.com');
    const guesser = newAddress();
    // The viewer is a real caller (the audit log shows it token ids), guessing from its own address.
    expect((await server.call('GET', URL, { token: viewer, from: guesser })).status).toBe(200);
    const guesses: Reply[] = [];
    for (let i = 0; i < FAILED_CHECKS_PER_ADDRESS_AND_ID + 5; i++) {
      guesses.push(await server.call('GET', URL, { token: forge(admin), from: guesser }));
    }
    // The admin, never seen by the server before, is checked and let in from its own address…
    expect((await server.call('GET', URL, { token: admin, from: newAddress() })).status).toBe(200);
    // …and, once its secret has proved valid, even from the guesser's address after the cache expired.
    clock += CACHE_MS + 1;
    expect((await server.call('GET', URL, { token: admin, from: guesser })).status).toBe(200);
    // The guesser's own misses for that id, past the limit, are refused unchecked.
    guesses.forEach((reply, i) => {
      if (i < FAILED_CHECKS_PER_ADDRESS_AND_ID) expectError(reply, 401, 'PO_ERR_UNAUTHENTICATED');
      else expectError(reply, 429, 'PO_ERR_RATE_LIMITED');
    });
  });

  it('throttles the guesser per address: past the budget its checks get 429 with Retry-After, other addresses are checked as usual', async () => {
    const guesser = newAddress();
    const before = checks;
    for (let i = 0; i < FAILED_CHECKS_PER_ADDRESS; i++) {
      // A new id each time, so only the address's budget applies.
      expectError(
        await server.call('GET', URL, { token: stranger(), from: guesser }),
        401,
        'PO_ERR_UNAUTHENTICATED',
      );
    }
    expect(checks - before).toBe(FAILED_CHECKS_PER_ADDRESS);
    const refused = await server.call('GET', URL, { token: stranger(), from: guesser });
    expectError(refused, 429, 'PO_ERR_RATE_LIMITED');
    const wait = Number(refused.headers['retry-after']);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(MINUTE / 1000);
    expect((refused.json as { error: { details: { retryAfterSeconds?: number } } }).error.details).toEqual({
      retryAfterSeconds: wait,
    });
    // Refused without a check: the guesser gets no scrypt work out of the server.
    expect(checks - before).toBe(FAILED_CHECKS_PER_ADDRESS);
    // Another address is unaffected, for wrong secrets and right ones.
    const elsewhere = newAddress();
    expectError(
      await server.call('GET', URL, { token: stranger(), from: elsewhere }),
      401,
      'PO_ERR_UNAUTHENTICATED',
    );
    expect(
      (await server.call('GET', URL, { token: await issue('viewer@example.com'), from: elsewhere })).status,
    ).toBe(200);
    // After Retry-After the guesser's address is checked again.
    clock += wait * 1000;
    expectError(
      await server.call('GET', URL, { token: stranger(), from: guesser }),
      401,
      'PO_ERR_UNAUTHENTICATED',
    );
  });

  it('counts misses per address and token id: one id refused from an address leaves its other ids checked', async () => {
    const victim = await issue('viewer@example.com');
    const other = await issue('viewer@example.com');
    const guesser = newAddress();
    for (let i = 0; i < FAILED_CHECKS_PER_ADDRESS_AND_ID; i++) {
      expectError(
        await server.call('GET', URL, { token: forge(victim), from: guesser }),
        401,
        'PO_ERR_UNAUTHENTICATED',
      );
    }
    expectError(
      await server.call('GET', URL, { token: forge(victim), from: guesser }),
      429,
      'PO_ERR_RATE_LIMITED',
    );
    expectError(
      await server.call('GET', URL, { token: forge(other), from: guesser }),
      401,
      'PO_ERR_UNAUTHENTICATED',
    );
    expect((await server.call('GET', URL, { token: other, from: guesser })).status).toBe(200);
    expect((await server.call('GET', URL, { token: victim, from: newAddress() })).status).toBe(200);
  });

  it('a token verified before the guessing keeps working from the cache, even at the guesser’s address', async () => {
    const known = await issue('viewer@example.com');
    const guesser = newAddress();
    expect((await server.call('GET', URL, { token: known, from: guesser })).status).toBe(200);
    for (let i = 0; i < FAILED_CHECKS_PER_ADDRESS; i++) {
      await server.call('GET', URL, { token: forge(known), from: guesser });
    }
    expectError(
      await server.call('GET', URL, { token: forge(known), from: guesser }),
      429,
      'PO_ERR_RATE_LIMITED',
    );
    expect((await server.call('GET', URL, { token: known, from: guesser })).status).toBe(200);
  });

  it('100 concurrent requests with one token, new or after the cache expired, all get 200 from one check', async () => {
    const token = await issue('viewer@example.com');
    const burst = () => Promise.all(Array.from({ length: 100 }, () => server.call('GET', URL, { token })));
    for (const when of ['never checked', 'cache expired']) {
      const before = checks;
      const replies = await burst();
      expect(
        replies.map((reply) => reply.status),
        when,
      ).toEqual(Array(100).fill(200));
      expect(checks - before, when).toBe(1);
      clock += CACHE_MS + 1;
    }
  });

  it('a wrong secret sent 100 times at once costs one check and one miss', async () => {
    const victim = await issue('viewer@example.com');
    const wrong = forge(victim);
    const from = newAddress();
    const before = checks;
    const replies = await Promise.all(
      Array.from({ length: 100 }, () => server.call('GET', URL, { token: wrong, from })),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array(100).fill(401));
    expect(checks - before).toBe(1);
  });

  it('steady traffic never waits for a check: a token in the last quarter of its cache life is re-checked in the background', async () => {
    const token = await issue('viewer@example.com');
    expect((await server.call('GET', URL, { token })).status).toBe(200);
    const before = checks;
    clock += CACHE_MS * 0.8;
    expect((await server.call('GET', URL, { token })).status).toBe(200);
    await expect.poll(() => checks - before).toBe(1);
    // The re-check renewed the cache: past the first entry's expiry, no request waits for a check.
    clock += CACHE_MS * 0.5;
    expect((await server.call('GET', URL, { token })).status).toBe(200);
    expect(checks - before).toBe(1);
  });

  it('a token revoked through the API is refused at once, even while a re-check was running', async () => {
    const admin = await issue('admin@example.com');
    const created = await server.call('POST', '/v1/tokens', {
      token: admin,
      body: { subject: 'viewer@example.com', name: 'short-lived' },
    });
    const { token, record } = created.json as { token: string; record: { id: string } };
    expect((await server.call('GET', URL, { token })).status).toBe(200);
    clock += CACHE_MS * 0.8;
    // This request starts a background re-check; the revocation lands while it may still run.
    const [read, revoked] = await Promise.all([
      server.call('GET', URL, { token }),
      server.call('DELETE', `/v1/tokens/${record.id}`, { token: admin }),
    ]);
    expect(read.status).toBe(200);
    expect(revoked.status).toBe(200);
    expectError(await server.call('GET', URL, { token }), 401, 'PO_ERR_UNAUTHENTICATED');
  });
});

describe('the unit an address is throttled as', () => {
  it('is the IPv4 address (also when mapped into IPv6), or the IPv6 /64 however it is written', () => {
    expect(networkOf('203.0.113.7')).toBe('203.0.113.7');
    expect(networkOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    const net = '2001:db8:1:2::/64';
    for (const address of [
      '2001:db8:1:2:3:4:5:6',
      '2001:db8:1:2::9',
      '2001:DB8:0001:0002:ffff::',
      '2001:db8:1:2::1%eth0',
    ])
      expect(networkOf(address), address).toBe(net);
    expect(networkOf('2001:db8:1:3::1')).not.toBe(net);
  });
});
