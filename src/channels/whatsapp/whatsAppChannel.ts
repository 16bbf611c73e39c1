import type { DeliveryReceipt } from '../../core/outbound.js';
import { z } from 'zod';
import type { PlnBot } from '../../bot/plnBot.js';
import type { MetaConfig } from '../../config.js';
import { t } from '../../i18n/messages.js';
import { secretFor, type Logger } from '../../log.js';
import { readIndonesianPhone } from '../../phone.js';
import type { ChannelMetrics } from '../../observability/metrics.js';
import { PhotoError } from '../../media/index.js';
import type { ContactWindowStore } from '../../storage/contactWindowStore.js';
import type { SendLedger } from '../../storage/sendLedger.js';
import { graphFromConfig } from '../meta/graphFromConfig.js';
import { createMetaChannel, type MetaChannelHandle } from '../meta/metaChannel.js';
import type { WebhookInbox } from '../meta/webhookInbox.js';
import type { ParsedWebhook } from '../meta/types.js';
import { flowMessagePayloads } from './flows/flowMessage.js';
import { flowTokenKey, signFlowToken, verifyFlowToken } from './flows/flowToken.js';
import { parseWhatsAppWebhook } from './parseWhatsAppWebhook.js';
import { whatsAppEnvelope, whatsAppPayloads } from './whatsAppPayloads.js';

const mediaInfoSchema = z.object({ url: z.string().url(), file_size: z.coerce.number().optional() });
const sendResponseSchema = z.object({ messages: z.array(z.object({ id: z.string() })).optional() });
/** `POST /{phone-number-id}/media` answers with the uploaded file's media id. */
const mediaUploadSchema = z.object({ id: z.string().min(1) });

export interface WhatsAppChannelDeps {
  meta: MetaConfig;
  windows: ContactWindowStore;
  bot: PlnBot;
  log: Logger;
  /** Counts Graph API calls and errors, and webhook answers, for this channel. */
  metrics?: ChannelMetrics;
  inbox?: WebhookInbox;
  /** Each turn reply's send, before and after the Graph call. */
  ledger?: SendLedger;
  /** What WhatsApp's status webhooks say became of messages we sent (delivered, read, failed). */
  receipts?: (receipts: DeliveryReceipt[]) => void;
}

/** An approved message template (WhatsApp Manager) and the texts of its body's {{1}}, {{2}}, ... */
export interface WhatsAppTemplate {
  name: string;
  /** The template's language code, e.g. `id` or `en_US`. */
  language: string;
  bodyParameters: string[];
}

export interface WhatsAppChannelHandle extends MetaChannelHandle {
  /**
   * Sends an approved template to a user (wa_id digits): the only message Meta accepts outside the
   * 24-hour window. Resolves with the wamid; throws GraphApiError (retries as any send).
   */
  sendTemplate(userId: string, template: WhatsAppTemplate): Promise<string>;
}

/** The key of the flow tokens: the deployment's, once the service has set it (log.ts secretFor). */
const flowKey = (): Buffer => flowTokenKey(secretFor('whatsapp flow token'));
const formSubject = (userId: string) => ({ conversationKey: `whatsapp:${userId}`, waId: userId });

/** A form's answer keeps its fields; its nonce is set only when its token was made here for this sender and is still valid. */
function withFormsVerified(parsed: ParsedWebhook | null): ParsedWebhook | null {
  if (!parsed) return parsed;
  const now = Date.now();
  for (const message of parsed.messages) {
    const content = message.content;
    if (content.kind !== 'form') continue;
    const check = verifyFlowToken(flowKey(), content.token, formSubject(message.userId), now);
    message.content = { ...content, nonce: check.ok ? check.nonce : null };
  }
  return parsed;
}

/** WhatsApp Cloud API: webhooks at /webhooks/whatsapp, sends to /{phone-number-id}/messages. */
export function createWhatsAppChannel(deps: WhatsAppChannelDeps): WhatsAppChannelHandle | null {
  const wa = deps.meta.whatsapp;
  if (!wa || !deps.meta.verifyToken) return null;
  const graph = graphFromConfig(deps.meta, 'whatsapp', wa.accessToken, deps.log, deps.metrics);

  const handle = createMetaChannel({
    channel: 'whatsapp',
    verifyToken: deps.meta.verifyToken,
    appSecret: wa.appSecret,
    bodyLimitBytes: deps.meta.webhookBodyLimitBytes,
    parse: (body) => withFormsVerified(parseWhatsAppWebhook(body, { phoneNumberId: wa.phoneNumberId })),
    outbound: {
      supportsHumanAgentTag: false,
      async send(userId, reply) {
        // A file: uploaded to WhatsApp's media store first, then sent by its media id.
        if (reply.attachment) {
          const { mimeType, fileName, dataBase64 } = reply.attachment;
          const form = new FormData();
          form.set('messaging_product', 'whatsapp');
          form.set('type', mimeType);
          form.set('file', new Blob([Buffer.from(dataBase64, 'base64')], { type: mimeType }), fileName);
          const uploaded = mediaUploadSchema.parse(await graph.postForm(`/${wa.phoneNumberId}/media`, form));
          const caption = reply.text.trim() ? { caption: reply.text.trim().slice(0, 1024) } : {};
          const media = mimeType === 'application/pdf' ? { type: 'document', document: { id: uploaded.id, filename: fileName, ...caption } } : { type: 'image', image: { id: uploaded.id, ...caption } };
          const res = sendResponseSchema.safeParse(await graph.post(`/${wa.phoneNumberId}/messages`, { ...whatsAppEnvelope(userId), ...media }));
          return [res.success ? (res.data.messages?.[0]?.id ?? '') : ''];
        }
        const locale = reply.locale ?? 'id';
        const labels = { listButton: t(locale, 'choices.listButton'), listSection: t(locale, 'choices.listSection'), prompt: t(locale, 'choices.prompt') };
        const { form } = reply;
        // The seller application's form (a Flow), its token naming the dialog's nonce, bound to this number.
        const payloads =
          form && wa.flowId
            ? flowMessagePayloads(userId, { ...reply, form }, { flowId: wa.flowId, token: signFlowToken(flowKey(), formSubject(userId), Date.now(), form.nonce).token }, labels)
            : whatsAppPayloads(userId, reply, labels);
        const ids: string[] = [];
        for (const body of payloads) {
          const res = sendResponseSchema.safeParse(await graph.post(`/${wa.phoneNumberId}/messages`, body));
          ids.push(res.success ? (res.data.messages?.[0]?.id ?? '') : '');
        }
        return ids;
      },
    },
    // Two steps: the media id gives a URL valid for minutes, then the bytes. The token goes to the
    // second request only on Meta's media host (see GraphClient.download); the URL, whatever Graph
    // answered, is fetched only when it passes the SSRF guard.
    async fetchMedia(media, maxBytes, signal) {
      if (media.kind !== 'whatsappMedia') throw new PhotoError('downloadFailed', 'Unexpected media reference');
      try {
        const info = mediaInfoSchema.parse(await graph.get(`/${encodeURIComponent(media.id)}?phone_number_id=${encodeURIComponent(wa.phoneNumberId)}`, signal ? { signal } : {}));
        if (info.file_size !== undefined && info.file_size > maxBytes) throw new PhotoError('tooLarge', `Media is ${info.file_size} bytes`);
        return await graph.download(info.url, maxBytes, { withToken: true, ...(signal ? { signal } : {}) });
      } catch (err) {
        if (err instanceof PhotoError) throw err;
        throw new PhotoError('downloadFailed', err instanceof Error ? err.message : 'media download failed');
      }
    },
    // The sender's WhatsApp number and profile name, offered as one-tap answers.
    profileOf: (message) => {
      // An Indonesian mobile number only: the phone field takes no other (src/phone.ts decides).
      const phone = /^\d+$/.test(message.userId) ? readIndonesianPhone(`+${message.userId}`) : null;
      return { ...(message.profileName ? { name: message.profileName } : {}), ...(phone?.kind === 'mobile' ? { phone: phone.e164 } : {}) };
    },
    windows: deps.windows,
    bot: deps.bot,
    log: deps.log,
    metrics: deps.metrics,
    ...(deps.inbox ? { inbox: deps.inbox } : {}),
    ...(deps.ledger ? { ledger: deps.ledger } : {}),
    ...(deps.receipts ? { receipts: deps.receipts } : {}),
  });

  return {
    ...handle,
    async sendTemplate(userId, template) {
      const digits = userId.trim().replace(/^\+/, '');
      const body = {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        // With the "+": without it Meta prefixes the business number's country code.
        ...(/^\d+$/.test(digits) ? { to: `+${digits}` } : { recipient: userId.trim() }),
        type: 'template',
        template: {
          name: template.name,
          language: { code: template.language },
          components: [{ type: 'body', parameters: template.bodyParameters.map((text) => ({ type: 'text', text })) }],
        },
      };
      const res = sendResponseSchema.safeParse(await graph.post(`/${wa.phoneNumberId}/messages`, body));
      return res.success ? (res.data.messages?.[0]?.id ?? '') : '';
    },
  };
}
