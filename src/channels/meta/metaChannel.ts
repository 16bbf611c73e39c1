import type { Router } from 'express';
import type { PlnBot } from '../../bot/plnBot.js';
import { KeyedQueue } from '../../bot/keyedQueue.js';
import { pseudonym, type Logger } from '../../log.js';
import type { WebhookMetrics } from '../../observability/metrics.js';
import type { ContactWindowStore } from '../../storage/contactWindowStore.js';
import { MetaAdapter, type ChannelOutbound, type MediaFetcher, type MetaAdapterOptions } from './metaAdapter.js';
import type { InboundMessage, MetaChannel, ParsedWebhook } from './types.js';
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
}

export interface MetaChannelHandle {
  adapter: MetaAdapter;
  router: Router;
  /** Resolves when every message dispatched so far has been processed (tests, shutdown). */
  idle(): Promise<void>;
}

/**
 * Assembles one Meta channel: the webhook router, the adapter, and the per-user queue that keeps
 * one user's messages in arrival order while different users are served in parallel.
 */
export function createMetaChannel(parts: MetaChannelParts): MetaChannelHandle {
  const adapter = new MetaAdapter({
    channel: parts.channel,
    outbound: parts.outbound,
    fetchMedia: parts.fetchMedia,
    windows: parts.windows,
    ...(parts.profileOf ? { profileOf: parts.profileOf } : {}),
  });
  const queue = new KeyedQueue();
  const inFlight = new Set<Promise<void>>();

  const handle = (message: InboundMessage) => {
    const done = queue
      .run(`${parts.channel}:${message.userId}`, () => adapter.processMessage(message, (context) => parts.bot.onTurn(context)))
      .catch((err: unknown) => {
        parts.log.error({ channel: parts.channel, user: pseudonym(message.userId), err: err instanceof Error ? err.message : String(err) }, 'message processing failed');
      });
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };

  const router = createMetaWebhookRouter({
    channel: parts.channel,
    verifyToken: parts.verifyToken,
    appSecret: parts.appSecret,
    bodyLimitBytes: parts.bodyLimitBytes,
    parse: parts.parse,
    dispatch: (messages) => messages.forEach(handle),
    log: parts.log,
    metrics: parts.metrics,
  });

  return {
    adapter,
    router,
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
