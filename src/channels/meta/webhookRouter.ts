import type { DeliveryReceipt } from '../../core/outbound.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import { JsonTooDeepError, parseJson, TOO_DEEP } from '../../core/jsonBody.js';
import { pseudonym, type Logger } from '../../log.js';
import type { WebhookMetrics } from '../../observability/metrics.js';
import { warnThrottled } from '../../observability/warnThrottled.js';
import { verifyMetaSignature } from './signature.js';
import type { InboundMessage, MetaChannel, ParsedWebhook } from './types.js';

export interface MetaWebhookOptions {
  channel: MetaChannel;
  verifyToken: string;
  appSecret: string;
  bodyLimitBytes: number;
  /** null = not this channel's envelope at all (answered 400). */
  parse: (body: unknown) => ParsedWebhook | null;
  /** Called after the 200 went out, with the batch's messages in order. Must not throw. */
  dispatch: (messages: InboundMessage[]) => void;
  /**
   * Writes the messages durably before the 200 (see WebhookInbox); when it fails the answer is 503
   * and Meta sends again. May resolve with the messages to dispatch (redeliveries left out).
   */
  record?: (messages: InboundMessage[]) => Promise<InboundMessage[] | void>;
  /** Called after the 200 with the delivery receipts the body held (best effort: not recorded first). Must not throw. */
  receipts?: (receipts: DeliveryReceipt[]) => void;
  log: Logger;
  /** Counts every answered request by HTTP status (including 413s answered by the app's error handler). */
  metrics?: WebhookMetrics;
  /** At most one warning a minute per kind of refusal an outsider can cause (default one minute). */
  warnIntervalMs?: number;
}

/**
 * `GET|POST /webhooks/<channel>`: Meta's verification handshake, then events. The signature is
 * checked over the exact raw bytes before anything is parsed; a bad or missing one is refused
 * with 401 and nothing of it is processed. Malformed JSON, JSON nested too deep (not parsed) or
 * a foreign shape is 400, an oversized body 413. A good request is acknowledged with 200 at once and processed afterwards, because
 * Meta retries (for days) whatever is not acknowledged quickly.
 */
export function createMetaWebhookRouter(options: MetaWebhookOptions): Router {
  const path = `/webhooks/${options.channel}`;
  const router = express.Router();
  const { log, channel, metrics } = options;
  // Anyone can send unsigned requests: their warnings are sampled (the metrics count every one).
  const warnRefused = warnThrottled(log, { intervalMs: options.warnIntervalMs ?? 60_000 });

  // Counted when the answer has gone out, whoever wrote it: this router, or the app's error handler.
  if (metrics) {
    router.all(path, (_req, res, next) => {
      res.once('finish', () => metrics.webhook(channel, res.statusCode));
      next();
    });
  }

  router.get(path, (req, res) => {
    const mode = req.query['hub.mode'];
    const token = req.query['hub.verify_token'];
    const challenge = req.query['hub.challenge'];
    if (mode === 'subscribe' && typeof token === 'string' && sameSecret(token, options.verifyToken) && typeof challenge === 'string') {
      res.status(200).type('text/plain').send(challenge);
      return;
    }
    warnRefused('verification', { channel }, 'webhook verification refused');
    res.sendStatus(403);
  });

  router.post(path, express.raw({ type: () => true, limit: options.bodyLimitBytes }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifyMetaSignature(raw, req.get('x-hub-signature-256'), options.appSecret)) {
      warnRefused('signature', { channel, bytes: raw.length }, 'webhook signature missing or wrong');
      res.status(401).json({ error: 'invalid_signature' });
      return;
    }
    let body: unknown;
    try {
      body = parseJson(raw);
    } catch (err) {
      res.status(400).json(err instanceof JsonTooDeepError ? TOO_DEEP : { error: 'malformed_json' });
      return;
    }
    const parsed = options.parse(body);
    if (!parsed) {
      res.status(400).json({ error: 'unknown_payload' });
      return;
    }
    let messages = parsed.messages;
    if (messages.length > 0 && options.record) {
      try {
        messages = (await options.record(messages)) ?? messages;
      } catch (err) {
        log.error({ channel, err: err instanceof Error ? err.message : String(err) }, 'webhook not recorded; answered 503 so Meta sends it again');
        res.status(503).json({ error: 'unavailable' });
        return;
      }
    }
    res.sendStatus(200);
    if (parsed.receipts?.length && options.receipts) options.receipts(parsed.receipts);
    if (messages.length > 0) {
      log.debug({ channel, messages: messages.length, ignored: parsed.ignored, users: messages.map((m) => pseudonym(m.userId)) }, 'webhook');
      options.dispatch(messages);
    }
  });

  return router;
}

function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
