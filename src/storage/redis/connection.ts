import { createRequire } from 'node:module';
import type * as IoRedisModule from 'ioredis';
import type { Redis } from 'ioredis';

/**
 * ioredis is loaded when a connection is first opened, not when this module is imported: the
 * service on its SQLite default never opens one and so does not carry the client in memory.
 */
const loadIoRedis = (): typeof IoRedisModule => createRequire(import.meta.url)('ioredis') as typeof IoRedisModule;
import { backoffDelay } from '../../core/backoff.js';
import type { Logger } from '../../log.js';

export interface OpenRedisOptions {
  /** Connection name (CLIENT LIST, logs), e.g. `pln-lock`. */
  name: string;
  /**
   * `true` (default) for the request path: lock, dedupe, pub/sub, enqueue. `false` for BullMQ
   * workers, which require `maxRetriesPerRequest: null` and retry their own blocking loop.
   */
  failFast?: boolean;
  /** Upper bound on one command's round trip (fail-fast clients only); catches a half-open socket. */
  commandTimeoutMs?: number;
  /** Cap of the reconnect backoff: how long after Redis comes back we may still be waiting. */
  maxReconnectDelayMs?: number;
}

/**
 * Opens a client that reconnects by itself forever (the retry strategy never gives up, so nobody
 * has to restart the service after Redis comes back).
 *
 * Fail-fast profile, and why:
 * - `enableOfflineQueue: false`: while disconnected a command is rejected at once instead of being
 *   buffered. Buffering would make a webhook wait on an outage of unknown length and then replay
 *   stale lock/dedupe commands long after the caller gave up (and Meta already redelivered).
 *   The cost is that commands issued before the first `ready` fail too: wait for `RedisHealth`.
 * - `maxRetriesPerRequest: 1`: a command in flight when the connection drops is rejected after one
 *   failed reconnect attempt (tens of ms) rather than resent much later.
 * - `commandTimeout`: a socket that stays open but gets no answers (network partition) also fails
 *   within a bounded time.
 * - `enableAutoPipelining`: the commands issued in one turn of the event loop go out in one
 *   socket write (the lines a turn shows the consoles, concurrent turns' locks). On this loopback
 *   set-up a write to Redis or PostgreSQL was a fifth of a turn's CPU, counted in the sender.
 * The client always has an 'error' listener: connection errors are reported through
 * `RedisHealth` and through the rejected commands, not as unhandled 'error' events.
 */
export function openRedis(url: string, options: OpenRedisOptions): Redis {
  const failFast = options.failFast ?? true;
  const cap = options.maxReconnectDelayMs ?? 2_000;
  const { Redis } = loadIoRedis();
  const client = new Redis(url, {
    connectionName: options.name,
    // Exponential from 100 ms, with jitter so many instances do not reconnect in lockstep.
    retryStrategy: (attempt) => Math.round(backoffDelay(attempt, { baseMs: 100, maxMs: cap, jitter: true })),
    // Reconnect also when a replica is promoted and the old primary answers READONLY.
    reconnectOnError: (error) => error.message.startsWith('READONLY'),
    maxRetriesPerRequest: failFast ? 1 : null,
    enableOfflineQueue: !failFast,
    ...(failFast ? { commandTimeout: options.commandTimeoutMs ?? 1_000, enableAutoPipelining: true } : {}),
    connectTimeout: 5_000,
    keepAlive: 10_000,
  });
  client.on('error', () => {
    // Reported by RedisHealth and by the failing commands; without a listener ioredis would print
    // "Unhandled error event" on every reconnect attempt.
  });
  return client;
}

export type RedisState = 'connecting' | 'ready' | 'degraded';

/**
 * Follows clients' connection events, for /readyz and for logs: one warning when a connection is
 * lost (not one per reconnect attempt) and one line when it is back, with the outage's length.
 * `ready` is true only while every watched client is ready.
 */
export class RedisHealth {
  private readonly states = new Map<string, RedisState>();
  private readonly downSince = new Map<string, number>();
  private readonly lastError = new Map<string, string>();
  private readonly detachers: Array<() => void> = [];
  private readonly waiters = new Set<() => void>();

  constructor(private readonly log?: Pick<Logger, 'info' | 'warn'>) {}

  watch(client: Redis, name: string): this {
    this.states.set(name, client.status === 'ready' ? 'ready' : 'connecting');
    const onReady = () => this.set(name, 'ready');
    const onDown = () => this.set(name, this.states.get(name) === 'connecting' ? 'connecting' : 'degraded');
    const onError = (error: Error) => this.lastError.set(name, error.message);
    client.on('ready', onReady);
    client.on('close', onDown);
    client.on('error', onError);
    this.detachers.push(() => {
      client.off('ready', onReady);
      client.off('close', onDown);
      client.off('error', onError);
    });
    return this;
  }

  get ready(): boolean {
    return [...this.states.values()].every((state) => state === 'ready');
  }

  get degraded(): boolean {
    return [...this.states.values()].some((state) => state === 'degraded');
  }

  /** Per-connection state, e.g. `{ lock: 'ready', bus-sub: 'degraded' }`. */
  snapshot(): Record<string, RedisState> {
    return Object.fromEntries(this.states);
  }

  /** Resolves once every watched client is ready; rejects after `timeoutMs`. */
  waitReady(timeoutMs: number): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        if (!this.ready) return;
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        reject(new Error(`Redis not ready after ${timeoutMs} ms: ${JSON.stringify(this.snapshot())}`));
      }, timeoutMs);
      this.waiters.add(done);
    });
  }

  /** Stops following the clients (they are closed by their owner). */
  close(): void {
    for (const detach of this.detachers.splice(0)) detach();
  }

  private set(name: string, state: RedisState): void {
    const previous = this.states.get(name);
    if (previous === state) {
      if (state === 'connecting' && !this.downSince.has(name)) {
        // Not reachable at start-up: say so once, then stay quiet until it connects.
        this.downSince.set(name, Date.now());
        this.log?.warn({ redis: name, error: this.lastError.get(name) }, 'redis not reachable yet; degraded until it connects');
      }
      return;
    }
    this.states.set(name, state);
    if (state === 'degraded') {
      this.downSince.set(name, Date.now());
      this.log?.warn({ redis: name, error: this.lastError.get(name) }, 'redis connection lost; degraded until it reconnects');
    } else if (state === 'ready' && this.downSince.has(name)) {
      const outageMs = Date.now() - (this.downSince.get(name) ?? Date.now());
      this.downSince.delete(name);
      this.log?.info({ redis: name, outageMs }, 'redis connection back');
    }
    for (const waiter of [...this.waiters]) waiter();
  }
}
