/**
 * Bearer-token checks for the control-plane server. A check costs a scrypt hash (~16 MiB, tens of
 * ms), so the server caches verified tokens, runs one check per credential at a time (everyone
 * presenting it waits for that one), re-checks tokens in use shortly before their cache entry runs
 * out, and throttles failed checks per client address and per address and token id: never per
 * token id alone, which would let anyone who has seen an id (the audit log shows them) lock its
 * owner out. All of it is in the memory of one server process.
 */
import { createHash } from 'node:crypto';
import { PromptOpsError } from '../errors.js';
import { bearerOf, parseToken } from '../governance/tokens.js';
import { TtlCache } from './ttl-cache.js';

/** Failed token checks per client address per minute before its further checks are refused (429). */
export const FAILED_CHECKS_PER_ADDRESS = 30;
/** Failed checks of one token id from one client address per minute before that pair is refused (429). */
export const FAILED_CHECKS_PER_ADDRESS_AND_ID = 10;
const WINDOW_MS = 60_000;
/** How long a credential that once verified skips the address throttle (it is still checked). */
const PROVEN_MS = 24 * 60 * 60_000;

/** Who a verified token speaks for. */
export interface Caller {
  subject: string;
  tokenId: string;
}

/** What the store says about a presented token: its subject, id and expiry, or null when it is not valid. */
export type VerifyToken = (
  token: string,
) => Promise<{ subject: string; tokenId: string; expiresAt: string | null } | null>;

export interface TokenCheckOptions {
  verify: VerifyToken;
  /** How long a verified (or refused) token is cached, ms. */
  cacheMs: number;
  /** The clock, ms since the epoch. */
  now?: () => number;
  /** Called when a background re-check fails (the cached answer then stands until it expires). */
  onBackgroundError?: (err: unknown) => void;
}

/**
 * Checks bearer tokens. `check` answers with the caller or throws 401 `PO_ERR_UNAUTHENTICATED`,
 * or 429 `PO_ERR_RATE_LIMITED` (with `details.retryAfterSeconds`) when the client's address has
 * used up its budget of failed checks. `forget` drops a revoked token from the cache at once.
 */
export class TokenChecker {
  private readonly now: () => number;
  private readonly cache: TtlCache<Caller | null>;
  /** Digests of credentials that verified at least once: the address throttle does not apply to them. */
  private readonly proven: TtlCache<string>;
  /** One check per credential digest at a time; others presenting it wait for its answer. */
  private readonly running = new Map<string, Promise<Caller | null>>();
  private readonly perAddress: MissCounter;
  private readonly perAddressAndId: MissCounter;
  private readonly slots = new Limiter(2, 64);
  /** Bumped by `forget`: a check that started before a revocation does not write its answer to the cache. */
  private epoch = 0;

  constructor(private readonly options: TokenCheckOptions) {
    this.now = options.now ?? Date.now;
    this.cache = new TtlCache(options.cacheMs, this.now);
    this.proven = new TtlCache(PROVEN_MS, this.now);
    this.perAddress = new MissCounter(FAILED_CHECKS_PER_ADDRESS, WINDOW_MS, this.now);
    this.perAddressAndId = new MissCounter(FAILED_CHECKS_PER_ADDRESS_AND_ID, WINDOW_MS, this.now);
  }

  /** The caller an `Authorization` header speaks for, sent from `address` (the client's IP). */
  async check(authorization: string | undefined, address: string): Promise<Caller> {
    const token = bearerOf(authorization);
    const id = parseToken(token)?.id;
    // Not shaped like one of ours: nothing to look up, nothing to hash.
    if (!id) throw rejectedToken();
    const key = createHash('sha256').update(token).digest('hex');

    const cached = this.cache.entry(key);
    if (cached) {
      // Re-check a valid token in the last quarter of its entry's life, so steady traffic never waits.
      if (cached.value && cached.until - this.now() <= this.options.cacheMs / 4) this.recheck(key, token);
      return accepted(cached.value);
    }
    const running = this.running.get(key);
    if (running) return accepted(await running);

    // A credential that verified before is checked whatever its address has tried: no valid secret
    // is locked out by someone else's misses, and a guesser gets no checks from it.
    if (this.proven.get(key) !== undefined) return accepted(await this.verify(key, token, true));

    const network = networkOf(address);
    const pair = `${network}\u0000${id}`;
    const wait = Math.max(this.perAddress.waitFor(network), this.perAddressAndId.waitFor(pair));
    if (wait > 0) {
      throw new PromptOpsError(
        'PO_ERR_RATE_LIMITED',
        `too many wrong tokens from this address in the last minute; check PROMPTOPS_TOKEN and retry in ${wait} s`,
        { retryAfterSeconds: wait },
      );
    }
    // The miss is counted before the check, so concurrent guesses cannot overdraw the budget;
    // it is given back when the token turns out valid (or the check could not run).
    this.perAddress.add(network);
    this.perAddressAndId.add(pair);
    let caller: Caller | null;
    try {
      caller = await this.verify(key, token, false);
    } catch (err) {
      this.perAddress.giveBack(network);
      this.perAddressAndId.giveBack(pair);
      throw err;
    }
    if (caller) {
      this.perAddress.giveBack(network);
      this.perAddressAndId.giveBack(pair);
    }
    return accepted(caller);
  }

  /** Drops a revoked token from the cache: its next request is checked again. */
  forget(tokenId: string): void {
    this.epoch++;
    this.cache.deleteWhere((_key, value) => value?.tokenId === tokenId);
    // A revoked token is no longer one that verified before: it gets no pass from the throttle.
    this.proven.deleteWhere((_key, id) => id === tokenId);
    // A check that started before the revocation may answer valid: later requests must not join it.
    this.running.clear();
  }

  /** Starts (or joins) the one check of `key`; its answer goes to the cache and to everyone waiting. */
  private verify(key: string, token: string, urgent: boolean): Promise<Caller | null> {
    const running = this.running.get(key);
    if (running) return running;
    const epoch = this.epoch;
    const check = (async () => {
      const found = await this.slots.run(() => this.options.verify(token), urgent);
      const caller = found ? { subject: found.subject, tokenId: found.tokenId } : null;
      if (epoch === this.epoch) {
        // A token never outlives its expiry in the cache.
        this.cache.set(key, caller, found?.expiresAt ? Date.parse(found.expiresAt) : undefined);
        if (caller) this.proven.set(key, caller.tokenId);
      }
      if (!caller) this.proven.delete(key);
      return caller;
    })();
    this.running.set(key, check);
    const done = () => {
      if (this.running.get(key) === check) this.running.delete(key);
    };
    check.then(done, done);
    return check;
  }

  private recheck(key: string, token: string): void {
    if (this.running.has(key)) return;
    this.verify(key, token, true).catch((err) => this.options.onBackgroundError?.(err));
  }
}

function accepted(caller: Caller | null): Caller {
  if (!caller) throw rejectedToken();
  return caller;
}

/** The same answer for an unknown, revoked or expired token, with what to do about it. */
function rejectedToken(): PromptOpsError {
  return new PromptOpsError(
    'PO_ERR_UNAUTHENTICATED',
    'the token is unknown, revoked or expired; check PROMPTOPS_TOKEN (or run "promptops login URL" again), or ask an admin for a new one ("promptops token create")',
  );
}

/** Seconds a client should wait before retrying after `err`, when it says so. */
export function retryAfterSeconds(err: unknown): number | undefined {
  if (!(err instanceof PromptOpsError) || err.code !== 'PO_ERR_RATE_LIMITED') return undefined;
  const seconds = err.details.retryAfterSeconds;
  return typeof seconds === 'number' ? seconds : undefined;
}

/**
 * The unit a client address is throttled as: an IPv4 address, or an IPv6 /64 (one host commonly
 * holds a whole /64, so single IPv6 addresses would give a guesser an endless supply of budgets).
 */
export function networkOf(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const bare = address.split('%')[0]!;
  const [head = '', tail] = bare.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/** Misses per key in fixed windows that start at the key's first miss. */
class MissCounter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Whole seconds until `key` may be checked again; 0 when it may be now. */
  waitFor(key: string): number {
    const window = this.live(key);
    if (!window || window.count < this.limit) return 0;
    return Math.max(1, Math.ceil((window.resetAt - this.now()) / 1000));
  }

  add(key: string): void {
    const window = this.live(key);
    if (window) {
      window.count++;
      return;
    }
    // Full: drop the oldest window; that forgives one address's misses, it never refuses anyone.
    if (this.windows.size >= 100_000) this.windows.delete(this.windows.keys().next().value as string);
    this.windows.set(key, { count: 1, resetAt: this.now() + this.windowMs });
  }

  giveBack(key: string): void {
    const window = this.live(key);
    if (window && window.count > 0) window.count--;
  }

  private live(key: string): { count: number; resetAt: number } | undefined {
    const window = this.windows.get(key);
    if (window && window.resetAt <= this.now()) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }
}

/**
 * Runs at most `concurrency` checks at once; beyond `queue` waiting, refuses with 429. Urgent tasks
 * (credentials that verified before) go to the front of the queue and are never refused.
 */
class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(
    private readonly concurrency: number,
    private readonly queue: number,
  ) {}

  async run<T>(task: () => Promise<T>, urgent = false): Promise<T> {
    if (this.active < this.concurrency) this.active++;
    else {
      if (!urgent && this.waiting.length >= this.queue) {
        throw new PromptOpsError('PO_ERR_RATE_LIMITED', 'too many token checks at once; retry shortly', {
          retryAfterSeconds: 1,
        });
      }
      // The finishing task hands its slot straight to the next in line.
      await new Promise<void>((resolve) =>
        urgent ? this.waiting.unshift(resolve) : this.waiting.push(resolve),
      );
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
