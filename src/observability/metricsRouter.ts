import express, { type Router } from 'express';
import type { Metrics } from './metrics.js';
import { bearerChecker } from '../http/bearerToken.js';

export interface MetricsRouterOptions {
  /**
   * When set (and not blank), `GET /metrics` requires `Authorization: Bearer <token>`. Without one
   * the endpoint is open: it carries counts only, never personal data, and is usually reachable
   * from the monitoring network alone.
   */
  token?: string;
}

const WWW_AUTHENTICATE = 'Bearer realm="pln123-metrics"';

/**
 * `GET /metrics`: the Prometheus text exposition of `metrics` (content type
 * `text/plain; version=0.0.4`), with the queue gauges read at the moment of the scrape.
 *
 * @example
 *   createApp({ ..., routers: [metricsRouter(metrics, { token: config.metricsToken })] });
 */
export function metricsRouter(metrics: Pick<Metrics, 'scrape' | 'contentType'>, options: MetricsRouterOptions = {}): Router {
  const router = express.Router();
  const authorized = bearerChecker(options.token, 'open');

  router.get('/metrics', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const verdict = authorized(req.get('authorization'));
    if (verdict !== 'ok') {
      res.set('WWW-Authenticate', verdict === 'invalid' ? `${WWW_AUTHENTICATE}, error="invalid_token"` : WWW_AUTHENTICATE);
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    const text = await metrics.scrape();
    res.status(200).type(metrics.contentType).send(text);
  });

  return router;
}
