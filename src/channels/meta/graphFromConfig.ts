import type { MetaConfig } from '../../config.js';
import type { Logger } from '../../log.js';
import { GraphClient } from './graphClient.js';
import type { MetaChannel } from './types.js';

/** A Graph client for one channel's token, logging every failed attempt (code and kind only). */
export function graphFromConfig(meta: MetaConfig, channel: MetaChannel, accessToken: string, log: Logger): GraphClient {
  return new GraphClient({
    baseUrl: meta.graphBaseUrl,
    version: meta.graphVersion,
    accessToken,
    maxAttempts: meta.retry.maxAttempts,
    baseDelayMs: meta.retry.baseDelayMs,
    onError: (err, attempt) =>
      log.warn({ channel, kind: err.kind, status: err.status, code: err.code, subcode: err.subcode, attempt }, 'graph api call failed'),
  });
}
