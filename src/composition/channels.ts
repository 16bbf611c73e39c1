import type { PlnBot } from '../bot/plnBot.js';
import { createBotFrameworkAdapter, type BotFrameworkAdapter } from '../channels/botframework.js';
import { createMessengerChannel } from '../channels/messenger/messengerChannel.js';
import type { MetaChannelHandle } from '../channels/meta/metaChannel.js';
import type { MetaSendQueue } from '../channels/meta/sendQueue.js';
import type { MetaChannel } from '../channels/meta/types.js';
import { GatedWebhookInbox } from '../channels/meta/webhookGate.js';
import { DatabaseWebhookInbox } from '../channels/meta/webhookInbox.js';
import { createWhatsAppChannel } from '../channels/whatsapp/whatsAppChannel.js';
import type { AppConfig } from '../config.js';
import type { DeliveryReceipt } from '../core/outbound.js';
import { REDELIVERY_RETENTION_MS } from '../core/retention.js';
import type { Logger } from '../log.js';
import { ChannelMessenger } from '../channels/outboundMessenger.js';
import type { Metrics } from '../observability/metrics.js';
import type { ChannelStores } from '../storage/channelStores.js';
import type { StorageParts } from './storage.js';

/** The channels the service talks on, and its one way out for messages outside a customer's turn. */
export interface ChannelParts {
  /** The Meta channels that are configured (a channel without credentials is off). */
  meta: Partial<Record<MetaChannel, MetaChannelHandle>>;
  botFramework: BotFrameworkAdapter;
  messenger: ChannelMessenger;
  /** Processes the Meta messages acknowledged but not finished at least `olderThanMs` ago (a crash), and purges old ones. */
  recoverInbox(olderThanMs: number): Promise<void>;
  /** Waits for the messages acknowledged and still being processed. */
  idle(): Promise<void>;
}

export function buildChannels(
  config: AppConfig,
  parts: {
    bot: PlnBot;
    stores: ChannelStores;
    storage: StorageParts;
    sendQueue: MetaSendQueue | undefined;
    metrics: Metrics;
    log: Logger;
    /** WhatsApp's delivery receipts (officers' messages: delivered, read, failed). Must not throw. */
    receipts?: (receipts: DeliveryReceipt[]) => void;
  },
): ChannelParts {
  const { bot, storage, sendQueue, metrics, log } = parts;
  const { windows, references, sends: ledger } = parts.stores;
  // Meta's messages are written here before their 200 and marked done after their turn.
  const dbInbox = new DatabaseWebhookInbox(storage.database);
  // With Redis, a redelivery another instance already took is answered without the database.
  const redis = storage.redis;
  const inbox = redis ? new GatedWebhookInbox(dbInbox, { dedupe: redis.dedupe, log, onDuplicate: (channel) => metrics.redeliveryDropped(channel) }) : dbInbox;
  const meta: Partial<Record<MetaChannel, MetaChannelHandle>> = {};
  const whatsapp = createWhatsAppChannel({ meta: config.meta, windows, bot, log, metrics, inbox, ledger, ...(parts.receipts ? { receipts: parts.receipts } : {}) });
  if (whatsapp) meta.whatsapp = whatsapp;
  for (const channel of ['messenger', 'instagram'] as const) {
    const handle = createMessengerChannel({ channel, meta: config.meta, windows, bot, log, metrics, inbox, ledger });
    if (handle) meta[channel] = handle;
  }
  for (const handle of Object.values(meta)) sendQueue?.attach(handle.adapter);
  const botFramework = createBotFrameworkAdapter(config.botFramework);
  // Messages outside a customer's turn, all one way out: officers' replies, the bot resuming, late
  // ticket numbers, support-team replies.
  const messenger = new ChannelMessenger({
    meta: { ...meta, ...(whatsapp ? { whatsapp } : {}) },
    botFramework: { adapter: botFramework, appId: config.botFramework.appId ?? '', references },
    windows,
    whatsappTemplate: config.notify.whatsappTemplate,
    log,
  });
  return {
    meta,
    botFramework,
    messenger,
    async recoverInbox(olderThanMs) {
      try {
        // One read of the inbox for every channel; each takes its own messages.
        const handles = Object.values(meta);
        const pending = handles.length > 0 ? await inbox.pending(olderThanMs) : [];
        let recovered = 0;
        for (const channel of handles) recovered += channel.recover(pending);
        if (recovered) log.warn({ recovered }, 'webhook inbox: processing messages acknowledged before a crash');
        await inbox.purge(REDELIVERY_RETENTION_MS);
      } catch (err) {
        log.warn({ err: err instanceof Error ? err.message : String(err) }, 'webhook inbox: recovery failed; will retry');
      }
    },
    async idle() {
      await Promise.all(Object.values(meta).map((c) => c.idle()));
    },
  };
}
