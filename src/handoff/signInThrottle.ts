import crypto from 'node:crypto';
import ipaddr from 'ipaddr.js';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, RateLimiterSQLite, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Database } from '../storage/database.js';

/**
 * Where the counters live: the shared Redis when there is one (every instance sees every
 * attempt at once), else the database (PostgreSQL, shared too; or SQLite, kept across restarts).
 */
export type ThrottleBackend = Database | { kind: 'redis'; client: Redis; prefix: string };

/** Which limit refused an attempt (logged; the client is only told how long to wait). */
export type ThrottleLimit = 'address' | 'account_address' | 'account';

/** What `admit` decided about one sign-in attempt. */
export type Admission =
  | {
      allowed: true;
      /** The password was right: the account's failures from this address are forgotten and this attempt is not counted. */
      succeeded(): Promise<void>;
    }
  | { allowed: false; limit: ThrottleLimit; retryAfterMs: number };

export interface SignInThrottle {
  /**
   * Counts an attempt to sign in as `username` from `address` *before* its password is checked
   * (so guesses sent in parallel cannot all slip under a limit), or refuses it with the wait.
   * An attempt that is refused is not counted against the limits it passed.
   */
  admit(username: string, address: string): Promise<Admission>;
  /** Deletes counters that have expired (the databases; Redis expires its keys itself). */
  purgeExpired(): Promise<void>;
}

/**
 * The limits, and why:
 * - `address`: one client address, whatever user names it tries. Password spraying (one common
 *   password over many accounts) from one place stops after 10 wrong guesses in 15 minutes, for 15
 *   minutes. Only failures count (a success gives its point back), so an office of officers behind
 *   one NAT address is not blocked by people signing in, only by ten typos within 15 minutes.
 * - `accountAddress`: one account from one address, 5 wrong passwords in 15 minutes, then 15
 *   minutes for that pair only. This is what an officer who mistypes meets; an attacker who has
 *   used it up has not locked the officer out anywhere else. A success clears it.
 * - `account`: one account from anywhere (many addresses, a botnet). 10 wrong passwords a day are
 *   free; after that each further attempt must wait 2, 4, 8 … seconds after the previous one,
 *   never more than 5 minutes. That caps guessing one account at about 300 a day however many
 *   addresses are used, while the owner is never locked out: at worst they wait 5 minutes. The
 *   day starts at the account's first failure, and a success does not reset it (else every
 *   sign-in of the owner would hand an attacker 10 free guesses).
 * IPv6 clients are counted per /64 (one subscriber's network), since one host can take any
 * address of its /64.
 */
export const SIGN_IN_LIMITS = {
  address: { failures: 10, windowSeconds: 15 * 60, blockSeconds: 15 * 60 },
  accountAddress: { failures: 5, windowSeconds: 15 * 60, blockSeconds: 15 * 60 },
  account: { freeFailures: 10, windowSeconds: 24 * 60 * 60, maxBackoffSeconds: 5 * 60 },
} as const;

/** Seconds the attempt after the `n`th failure of an account (counted in its window) must wait. */
export function backoffSeconds(n: number): number {
  const over = n - SIGN_IN_LIMITS.account.freeFailures;
  return over <= 0 ? 0 : Math.min(SIGN_IN_LIMITS.account.maxBackoffSeconds, 2 ** Math.min(over, 20));
}

/** The table the SQL stores keep the counters in (rate-limiter-flexible's layout). */
export const THROTTLE_TABLE = 'sign_in_throttle';

export interface SignInThrottleOptions {
  /**
   * The store failed; the throttle carries on in this process's memory until it answers again
   * (told once per outage, and when it is back).
   */
  log?: { warn(obj: object, msg: string): void; info?(obj: object, msg: string): void };
}

/**
 * Sign-in throttling on rate-limiter-flexible (see SIGN_IN_LIMITS), on the configured store.
 *
 * If the store fails, each limit falls back to a counter in this process's memory rather than
 * refusing every sign-in (a Redis blip would otherwise take the console down for every officer,
 * and an attacker could not be told apart from the owner) or letting every attempt through
 * (unthrottled guessing while the store is away). Per process, so during an outage an attacker
 * spreading over N instances gets N times the limits; the outage is logged.
 *
 * Keys hold a hash of the user name and of the address, never either in clear.
 */
export function createSignInThrottle(backend: ThrottleBackend, options: SignInThrottleOptions = {}): SignInThrottle {
  const store = storeFactory(backend);
  let degraded = false;
  const onStoreError = (err: unknown) => {
    if (degraded) return;
    degraded = true;
    options.log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'sign-in throttle: store failed; counting in memory until it answers');
  };
  const onStoreOk = () => {
    if (!degraded) return;
    degraded = false;
    options.log?.info?.({}, 'sign-in throttle: store answers again');
  };
  const counter = (name: string, opts: { points: number; duration: number; blockDuration?: number }) =>
    new Counter(store(name, opts), new RateLimiterMemory({ keyPrefix: name, ...opts }), onStoreError, onStoreOk);

  const { address: A, accountAddress: P, account: C } = SIGN_IN_LIMITS;
  const byAddress = counter('addr', { points: A.failures, duration: A.windowSeconds, blockDuration: A.blockSeconds });
  const byPair = counter('acct-addr', { points: P.failures, duration: P.windowSeconds, blockDuration: P.blockSeconds });
  // Counts only (never refuses by itself): its count sets the backoff that `gate` enforces.
  const byAccount = counter('acct', { points: 1_000_000_000, duration: C.windowSeconds });
  // One attempt per backoff period: the first one in takes the period, the others wait it out.
  const gate = counter('acct-gate', { points: 1, duration: C.maxBackoffSeconds });

  return {
    async admit(username, address) {
      const account = hashed(username.trim().toLowerCase());
      const client = hashed(clientNetwork(address));
      const pair = `${account}.${client}`;

      const byAddressTaken = await byAddress.take(client);
      if (!byAddressTaken.allowed) return refused('address', byAddressTaken.res);
      const byPairTaken = await byPair.take(pair);
      if (!byPairTaken.allowed) {
        await byAddress.giveBack(client);
        return refused('account_address', byPairTaken.res);
      }
      const failures = (await byAccount.take(account)).res.consumedPoints;
      const wait = backoffSeconds(failures);
      if (wait > 0) {
        const gateTaken = await gate.take(account, wait);
        if (!gateTaken.allowed) {
          await Promise.all([byAddress.giveBack(client), byPair.giveBack(pair), byAccount.giveBack(account)]);
          return refused('account', gateTaken.res);
        }
      }
      return {
        allowed: true,
        async succeeded() {
          await Promise.all([byPair.forget(pair), byAddress.giveBack(client), byAccount.giveBack(account)]);
        },
      };
    },
    async purgeExpired() {
      if (backend.kind === 'redis') return;
      try {
        await backend.db.deleteFrom(THROTTLE_TABLE).where('expire', '<', Date.now()).execute();
      } catch (err) {
        options.log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'sign-in throttle: expired counters not purged');
      }
    },
  };
}

const refused = (limit: ThrottleLimit, res: RateLimiterRes): Admission => ({ allowed: false, limit, retryAfterMs: Math.max(1000, res.msBeforeNext) });

/** A limiter on the store, with a memory twin that takes over while the store fails. */
class Counter {
  constructor(
    private readonly store: RateLimiterAbstract,
    private readonly memory: RateLimiterMemory,
    private readonly onStoreError: (err: unknown) => void,
    private readonly onStoreOk: () => void,
  ) {}

  /** Consumes a point; `allowed: false` when that went over the limit (or the key is blocked). */
  async take(key: string, customDurationSeconds?: number): Promise<{ allowed: boolean; res: RateLimiterRes }> {
    const options = customDurationSeconds === undefined ? {} : { customDuration: customDurationSeconds };
    try {
      return { allowed: true, res: await this.run((l) => l.consume(key, 1, options)) };
    } catch (err) {
      if (err instanceof RateLimiterRes) return { allowed: false, res: err };
      throw err;
    }
  }

  /** Returns the point of an attempt that turned out not to count. */
  async giveBack(key: string): Promise<void> {
    await this.run((l) => l.reward(key, 1));
  }

  async forget(key: string): Promise<void> {
    await this.run((l) => l.delete(key));
  }

  private async run<T>(op: (limiter: RateLimiterAbstract) => Promise<T>): Promise<T> {
    try {
      const result = await op(this.store);
      this.onStoreOk();
      return result;
    } catch (err) {
      // A RateLimiterRes is the store's answer "over the limit", not a failure.
      if (err instanceof RateLimiterRes) {
        this.onStoreOk();
        throw err;
      }
      this.onStoreError(err);
      return op(this.memory);
    }
  }
}

type LimiterOptions = { points: number; duration: number; blockDuration?: number };

/** Makes the store's limiter for one limit, named `name` (the key prefix). */
function storeFactory(backend: ThrottleBackend): (name: string, opts: LimiterOptions) => RateLimiterAbstract {
  switch (backend.kind) {
    case 'redis':
      // rejectIfRedisNotReady: while the connection is down, fail at once (to the memory twin)
      // rather than wait for a command that the fail-fast client would refuse anyway.
      return (name, opts) => new RateLimiterRedis({ storeClient: backend.client, keyPrefix: `${backend.prefix}signin:${name}`, rejectIfRedisNotReady: true, ...opts });
    case 'postgres':
      // The table comes from the migrations (PostgreSQL: 011_sign_in_throttle.sql); expired rows
      // are purged by purgeExpired, not by the library's own timer.
      return (name, opts) =>
        new RateLimiterPostgres({ storeClient: backend.pool, storeType: 'pool', tableName: THROTTLE_TABLE, tableCreated: true, clearExpiredByTimeout: false, keyPrefix: name, ...opts });
    case 'sqlite':
      return (name, opts) =>
        new RateLimiterSQLite({ storeClient: backend.sqlite, storeType: 'better-sqlite3', tableName: THROTTLE_TABLE, tableCreated: true, clearExpiredByTimeout: false, keyPrefix: name, ...opts });
  }
}

/** A stored key for a user name or an address: a hash, so neither is kept in clear. */
function hashed(value: string): string {
  return crypto.createHash('sha256').update(value, 'utf8').digest('base64url').slice(0, 22);
}

/**
 * The address a client is counted by: an IPv4 address as it is (also when written as IPv6,
 * `::ffff:192.0.2.1`), an IPv6 address by its /64, anything unparsable as written.
 */
export function clientNetwork(address: string): string {
  try {
    const parsed = ipaddr.process(address);
    if (parsed.kind() === 'ipv4') return parsed.toString();
    const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
    return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
  } catch {
    return address;
  }
}
