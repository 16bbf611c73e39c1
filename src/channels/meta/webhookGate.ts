import type { RedisDedupe } from '../../storage/redis/dedupe.js';
import type { InboundMessage } from './types.js';
import type { WebhookInbox } from './webhookInbox.js';

export interface GatedInboxOptions {
  /** The shared set of message ids already taken (REDIS_URL). */
  dedupe: Pick<RedisDedupe, 'claim' | 'complete' | 'release'>;
  log: { warn(obj: object, msg: string): void };
  /** Told for each redelivery dropped by the gate (metrics). */
  onDuplicate?: (channel: string) => void;
}

/**
 * The webhook inbox behind Redis's redelivery de-duplication set: a Meta message id another
 * instance (or this one) already took is acknowledged without touching the database. The rest is
 * as before: the inbox records the fresh messages before the 200.
 *
 * The claim is two-phase (RedisDedupe's `pendingTtlMs`): claimed before `record`, completed once
 * recorded (from then on the inbox guarantees the message is processed), released when recording
 * failed (the webhook is answered 503 and Meta's redelivery must get through). A claim whose
 * instance died in between expires by itself after the pending time.
 *
 * Redis away: every message is let through and recorded; the database still refuses duplicates
 * (`ConversationStore.loadTurn`), so a Redis outage never turns into a 5xx.
 */
export class GatedWebhookInbox implements WebhookInbox {
  private lastWarnAt = 0;

  constructor(
    private readonly inner: WebhookInbox,
    private readonly options: GatedInboxOptions,
  ) {}

  async admit(messages: InboundMessage[]): Promise<InboundMessage[]> {
    const verdicts = await Promise.all(messages.map((m) => this.claim(m)));
    const fresh = messages.filter((_, i) => verdicts[i] !== 'duplicate');
    const claimed = messages.filter((_, i) => verdicts[i] === 'claimed');
    for (const [i, m] of messages.entries()) if (verdicts[i] === 'duplicate') this.options.onDuplicate?.(m.channel);
    if (fresh.length === 0) return [];
    try {
      await this.inner.record(fresh);
    } catch (err) {
      await Promise.all(claimed.map((m) => this.options.dedupe.release(idOf(m)).catch(() => undefined)));
      throw err;
    }
    // Best effort: a claim not completed expires after the pending time; the inbox has the message.
    await Promise.all(claimed.map((m) => this.options.dedupe.complete(idOf(m)).catch(() => undefined)));
    return fresh;
  }

  record(messages: InboundMessage[], now?: number): Promise<void> {
    return this.inner.record(messages, now);
  }

  done(message: Pick<InboundMessage, 'channel' | 'messageId'>, now?: number): Promise<void> {
    return this.inner.done(message, now);
  }

  pending(olderThanMs: number, limit?: number, now?: number): Promise<InboundMessage[]> {
    return this.inner.pending(olderThanMs, limit, now);
  }

  purge(retentionMs: number, now?: number): Promise<number> {
    return this.inner.purge(retentionMs, now);
  }

  private async claim(message: InboundMessage): Promise<'claimed' | 'duplicate' | 'unchecked'> {
    try {
      return (await this.options.dedupe.claim(idOf(message))) ? 'claimed' : 'duplicate';
    } catch (err) {
      // Every webhook fails the same way while Redis is down: say it at most once a minute.
      if (Date.now() - this.lastWarnAt > 60_000) {
        this.lastWarnAt = Date.now();
        this.options.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'redelivery set unreachable; the database de-duplicates alone');
      }
      return 'unchecked';
    }
  }
}

/** Message ids are unique per channel only. */
function idOf(message: Pick<InboundMessage, 'channel' | 'messageId'>): string {
  return `${message.channel}:${message.messageId}`;
}
