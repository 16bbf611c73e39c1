import type { MetaConfig } from '../../config.js';
import type { Logger } from '../../log.js';
import type { GraphMetrics } from '../../observability/metrics.js';
import { GraphClient } from './graphClient.js';
import type { MetaChannel } from './types.js';

/**
 * A Graph client for one channel's token, logging every failed attempt (code and kind only) and,
 * with `metrics`, counting calls by outcome and failed attempts by kind.
 */
export function graphFromConfig(meta: MetaConfig, channel: MetaChannel, accessToken: string, log: Logger, metrics?: GraphMetrics): GraphClient {
  return new GraphClient({
    baseUrl: meta.graphBaseUrl,
    version: meta.graphVersion,
    accessToken,
    maxAttempts: meta.retry.maxAttempts,
    baseDelayMs: meta.retry.baseDelayMs,
    mediaAllowedOrigins: meta.mediaAllowedOrigins,
    sendTimeoutMs: meta.sendTimeoutMs,
    onError: (err, attempt) => {
      metrics?.graphError(channel, err.kind);
      log.warn({ channel, kind: err.kind, status: err.status, code: err.code, subcode: err.subcode, attempt }, 'graph api call failed');
    },
    onRequest: (outcome) => metrics?.graphRequest(channel, outcome),
  });
}
