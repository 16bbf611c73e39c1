import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import { LocalHandoffBus, type HandoffBus } from './handoffBus.js';
import type { HandoffEvent } from './types.js';

export interface RedisHandoffBusOptions {
  /** Any command connection (may be shared with other request-path users). */
  publisher: Redis;
  /** A dedicated connection: once subscribed it can run no other commands. */
  subscriber: Redis;
  /** Key prefix, e.g. `pln:` gives the channel `pln:handoff-events`. */
  prefix: string;
  log?: Pick<Logger, 'info' | 'warn'>;
}

interface Envelope {
  from: string;
  event: HandoffEvent;
}

/**
 * The handoff bus across instances: an event published on one instance reaches the consoles
 * connected to every instance, through one Redis pub/sub channel.
 *
 * Listeners on the publishing instance are called at once, in the process (as with
 * `LocalHandoffBus`); the copy that comes back from Redis is recognised by the instance tag and
 * skipped. Other instances get it when Redis delivers it. Pub/sub is at-most-once.
 *
 * Degraded behaviour: `publish` never throws. While Redis is unreachable the event still reaches
 * this instance's consoles but is dropped for the others (logged once per outage, with a count
 * when Redis is back); a console reloads the handoff list when its event stream reconnects, so
 * nothing stays missing. The subscription is renewed on every reconnect (ioredis resubscribes by
 * itself too; SUBSCRIBE is idempotent), so a Redis restart needs no manual step. The bus does not
 * own the connections: `close()` unsubscribes, the caller quits the clients.
 */
export class RedisHandoffBus implements HandoffBus {
  readonly channel: string;
  private readonly instance = randomUUID();
  private readonly local = new LocalHandoffBus();
  private dropped = 0;
  private isSubscribed = false;
  private closed = false;

  constructor(private readonly options: RedisHandoffBusOptions) {
    this.channel = `${options.prefix}handoff-events`;
    options.subscriber.on('message', this.onMessage);
    options.subscriber.on('ready', this.onReady);
    options.subscriber.on('close', this.onClose);
    if (options.subscriber.status === 'ready') this.onReady();
  }

  /** Whether the subscription is live on the current connection (for /readyz and tests). */
  get subscribed(): boolean {
    return this.isSubscribed;
  }

  publish(event: HandoffEvent): void {
    this.local.publish(event);
    const envelope: Envelope = { from: this.instance, event };
    let sent: Promise<number>;
    try {
      sent = this.options.publisher.publish(this.channel, JSON.stringify(envelope));
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      () => {
        if (this.dropped === 0) return;
        this.options.log?.info({ dropped: this.dropped }, 'handoff events flow across instances again');
        this.dropped = 0;
      },
      (error: unknown) => {
        if (this.dropped++ > 0) return;
        this.options.log?.warn(
          { error: error instanceof Error ? error.message : String(error) },
          'handoff event not sent to other instances (Redis unavailable); dropping until it is back',
        );
      },
    );
  }

  subscribe(listener: (event: HandoffEvent) => void): () => void {
    return this.local.subscribe(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    const { subscriber } = this.options;
    subscriber.off('message', this.onMessage);
    subscriber.off('ready', this.onReady);
    subscriber.off('close', this.onClose);
    this.isSubscribed = false;
    if (subscriber.status === 'ready') await subscriber.unsubscribe(this.channel).catch(() => undefined);
  }

  private readonly onReady = (): void => {
    this.options.subscriber.subscribe(this.channel).then(
      () => {
        this.isSubscribed = !this.closed;
      },
      (error: unknown) => {
        // The connection dropped again; the next 'ready' tries again.
        this.options.log?.warn({ error: error instanceof Error ? error.message : String(error) }, 'handoff bus could not subscribe');
      },
    );
  };

  private readonly onClose = (): void => {
    this.isSubscribed = false;
  };

  private readonly onMessage = (channel: string, message: string): void => {
    if (channel !== this.channel) return;
    let envelope: Partial<Envelope>;
    try {
      envelope = JSON.parse(message) as Partial<Envelope>;
    } catch {
      this.options.log?.warn({ channel }, 'ignoring a handoff bus message that is not JSON');
      return;
    }
    if (envelope.from === this.instance) return;
    const type = envelope.event?.type;
    if (type !== 'handoff' && type !== 'transcript') {
      this.options.log?.warn({ channel }, 'ignoring a handoff bus message of unknown shape');
      return;
    }
    try {
      this.local.publish(envelope.event as HandoffEvent);
    } catch (error) {
      // A failing console listener must not break the subscriber connection's message handling.
      this.options.log?.warn({ error: error instanceof Error ? error.message : String(error) }, 'handoff bus listener failed');
    }
  };
}
