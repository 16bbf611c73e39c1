import type { DeliveryReceipt } from '../../core/outbound.js';
import type { Router } from 'express';
import type { PlnBot } from '../../bot/plnBot.js';
import { KeyedQueue } from '../../core/keyedQueue.js';
import { pseudonym, type Logger } from '../../log.js';
import type { WebhookMetrics } from '../../observability/metrics.js';
import type { ContactWindowStore } from '../../storage/contactWindowStore.js';
import type { SendLedger } from '../../storage/sendLedger.js';
import { MetaAdapter, type ChannelOutbound, type MediaFetcher, type MetaAdapterOptions } from './metaAdapter.js';
import type { InboundMessage, MetaChannel, ParsedWebhook } from './types.js';
import { admit, type WebhookInbox } from './webhookInbox.js';
import { createMetaWebhookRouter } from './webhookRouter.js';

export interface MetaChannelParts {
  channel: MetaChannel;
  verifyToken: string;
  appSecret: string;
  bodyLimitBytes: number;
  parse: (body: unknown) => ParsedWebhook | null;
  outbound: ChannelOutbound;
  fetchMedia: MediaFetcher;
  profileOf?: MetaAdapterOptions['profileOf'];
  windows: ContactWindowStore;
  bot: PlnBot;
  log: Logger;
  /** Counts the webhook's answers by status. */
  metrics?: WebhookMetrics;
  /** Where messages are kept from the 200 until their turn has run and its replies left (nothing lost in a crash). */
  inbox?: WebhookInbox;
  /** Each turn reply's send, before and after the Graph call (see MetaAdapterOptions.ledger). */
  ledger?: SendLedger;
  /** Delivery receipts from the webhook (see MetaWebhookOptions.receipts). */
  receipts?: (receipts: DeliveryReceipt[]) => void;
}

export interface MetaChannelHandle {
  adapter: MetaAdapter;
  router: Router;
  /** Resolves when every message dispatched so far has been processed and its queued replies sent or given up on (tests, shutdown). */
  idle(): Promise<void>;
  /**
   * Processes this channel's messages among `pending`, acknowledged but never finished (an
   * instance crashed between the 200 and the turn); returns how many were dispatched (those
   * already being processed here are left alone).
   */
  recover(pending: InboundMessage[]): number;
}

/**
 * Assembles one Meta channel: the webhook router, the adapter, and the per-user queue that keeps
 * one user's messages in arrival order while different users are served in parallel. A message is
 * marked done in the webhook inbox once its turn ran and its replies were delivered or given up on
 * (the next message of that user does not wait for the latter): a crash in between gives it back.
 */
export function createMetaChannel(parts: MetaChannelParts): MetaChannelHandle {
  const adapter = new MetaAdapter({
    channel: parts.channel,
    outbound: parts.outbound,
    fetchMedia: parts.fetchMedia,
    windows: parts.windows,
    onRecordError: (err, failure) =>
      parts.log.warn(
        { channel: parts.channel, user: pseudonym(failure.userId), reason: failure.reason, err: err instanceof Error ? err.message : String(err) },
        'delivery failure not recorded',
      ),
    ...(parts.profileOf ? { profileOf: parts.profileOf } : {}),
    ...(parts.ledger ? { ledger: parts.ledger } : {}),
    log: parts.log,
  });
  const queue = new KeyedQueue();
  const inFlight = new Set<Promise<void>>();

  // Message ids being processed here: the inbox sweep must not take one of them for an interrupted
  // message (it would resend the replies of a turn that is only slow).
  const processing = new Set<string>();
  const handle = (message: InboundMessage, recovered = false): boolean => {
    if (processing.has(message.messageId)) return false;
    processing.add(message.messageId);
    // The user's next message waits for this turn only; the message is done once its replies left too.
    const done = queue
      .run(`${parts.channel}:${message.userId}`, () => adapter.runTurn(message, (context) => parts.bot.onTurn(context), { recovered }))
      // A failed delivery was recorded and logged by the adapter.
      .then(({ delivered }) => delivered.catch(() => undefined))
      .catch((err: unknown) => {
        parts.log.error({ channel: parts.channel, user: pseudonym(message.userId), err: err instanceof Error ? err.message : String(err) }, 'message processing failed');
      })
      .then(() => parts.inbox?.done(message))
      .catch((err: unknown) => {
        parts.log.warn({ channel: parts.channel, err: err instanceof Error ? err.message : String(err) }, 'webhook inbox: message not marked done (it may be processed again, harmlessly)');
      });
    inFlight.add(done);
    void done.finally(() => {
      inFlight.delete(done);
      processing.delete(message.messageId);
    });
    return true;
  };

  const router = createMetaWebhookRouter({
    channel: parts.channel,
    verifyToken: parts.verifyToken,
    appSecret: parts.appSecret,
    bodyLimitBytes: parts.bodyLimitBytes,
    parse: parts.parse,
    dispatch: (messages) => messages.forEach((m) => handle(m)),
    ...(parts.inbox ? { record: (messages: InboundMessage[]) => admit(parts.inbox!, messages) } : {}),
    ...(parts.receipts ? { receipts: parts.receipts } : {}),
    log: parts.log,
    metrics: parts.metrics,
  });

  return {
    adapter,
    router,
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await adapter.sendsIdle();
    },
    recover(pending) {
      // A message whose turn was committed is not stepped again; the replies committed with it are
      // sent (the interruption may have come before they were).
      return pending.filter((m) => m.channel === parts.channel && handle(m, true)).length;
    },
  };
}
