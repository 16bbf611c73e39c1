import { z } from 'zod';
import type { PlnBot } from '../../bot/plnBot.js';
import type { MetaConfig } from '../../config.js';
import type { Logger } from '../../log.js';
import type { ChannelMetrics } from '../../observability/metrics.js';
import { PhotoError } from '../../media/index.js';
import type { ContactWindowStore } from '../../storage/contactWindowStore.js';
import type { SendLedger } from '../../storage/sendLedger.js';
import { graphFromConfig } from '../meta/graphFromConfig.js';
import { createMetaChannel, type MetaChannelHandle } from '../meta/metaChannel.js';
import type { WebhookInbox } from '../meta/webhookInbox.js';
import { messengerPayloads } from './messengerPayloads.js';
import { parseMessengerWebhook } from './parseMessengerWebhook.js';

const sendResponseSchema = z.object({ message_id: z.string().optional() });

export interface MessengerChannelDeps {
  channel: 'messenger' | 'instagram';
  meta: MetaConfig;
  windows: ContactWindowStore;
  bot: PlnBot;
  log: Logger;
  /** Counts Graph API calls and errors, and webhook answers, for this channel. */
  metrics?: ChannelMetrics;
  inbox?: WebhookInbox;
  /** Each turn reply's send, before and after the Graph call. */
  ledger?: SendLedger;
}

/**
 * Facebook Messenger or Instagram (Messenger Platform): webhooks at /webhooks/<channel>, sends to
 * /me/messages with the Page (or Instagram) token. Inbound media are signed CDN URLs that need no
 * token but expire, so they are fetched as soon as the dialog wants the photo.
 */
export function createMessengerChannel(deps: MessengerChannelDeps): MetaChannelHandle | null {
  const cfg = deps.meta[deps.channel];
  if (!cfg || !deps.meta.verifyToken) return null;
  const graph = graphFromConfig(deps.meta, deps.channel, cfg.accessToken, deps.log, deps.metrics);

  return createMetaChannel({
    channel: deps.channel,
    verifyToken: deps.meta.verifyToken,
    appSecret: cfg.appSecret,
    bodyLimitBytes: deps.meta.webhookBodyLimitBytes,
    parse: (body) => parseMessengerWebhook(body, deps.channel),
    outbound: {
      supportsHumanAgentTag: true,
      async send(userId, reply, { humanAgent }) {
        const ids: string[] = [];
        let text = reply;
        // A file: one multipart send with the bytes (Instagram takes photos only; the desk checks),
        // then its caption, if any, as a message of its own (a Messenger attachment carries no text).
        if (reply.attachment) {
          const { mimeType, fileName, dataBase64 } = reply.attachment;
          const form = new FormData();
          form.set('recipient', JSON.stringify({ id: userId }));
          form.set('message', JSON.stringify({ attachment: { type: mimeType === 'application/pdf' ? 'file' : 'image', payload: { is_reusable: false } } }));
          for (const [key, value] of Object.entries(humanAgent ? { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' } : { messaging_type: 'RESPONSE' })) form.set(key, value);
          form.set('filedata', new Blob([Buffer.from(dataBase64, 'base64')], { type: mimeType }), fileName);
          const res = sendResponseSchema.safeParse(await graph.postForm('/me/messages', form));
          ids.push(res.success ? (res.data.message_id ?? '') : '');
          if (!reply.text.trim()) return ids;
          text = { text: reply.text, choices: [], ...(reply.locale ? { locale: reply.locale } : {}) };
        }
        for (const body of messengerPayloads(userId, text, { channel: deps.channel, humanAgent })) {
          const res = sendResponseSchema.safeParse(await graph.post('/me/messages', body));
          ids.push(res.success ? (res.data.message_id ?? '') : '');
        }
        return ids;
      },
    },
    async fetchMedia(media, maxBytes, signal) {
      if (media.kind !== 'cdnUrl') throw new PhotoError('downloadFailed', 'Unexpected media reference');
      // The URL comes from a signed webhook, but it is still fetched through the SSRF guard, without a token.
      return graph.download(media.url, maxBytes, { withToken: false, timeoutMs: 20_000, ...(signal ? { signal } : {}) });
    },
    windows: deps.windows,
    bot: deps.bot,
    log: deps.log,
    metrics: deps.metrics,
    ...(deps.inbox ? { inbox: deps.inbox } : {}),
    ...(deps.ledger ? { ledger: deps.ledger } : {}),
  });
}
