import express, { type Router } from 'express';
import type { Metrics } from '../observability/metrics.js';
import { bearerChecker } from './bearerToken.js';
import { isLoopbackAddress } from './loopback.js';

export interface MetricsRouterOptions {
  /**
   * When set (and not blank), `GET /metrics` requires `Authorization: Bearer <token>`, from any
   * address. Without one only loopback clients are served (a scraper on the same host, or through
   * an SSH tunnel): the counts carry no personal data, but queue depths and error rates tell an
   * outsider when the service is weak, so they are not published to whoever can reach the port.
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
  const tokenSet = options.token !== undefined && options.token.trim() !== '';
  const authorized = bearerChecker(options.token);

  router.get('/metrics', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    if (!tokenSet && !isLoopbackAddress(req.socket.remoteAddress)) {
      res.status(403).json({ error: 'forbidden', detail: 'metrics are served to loopback clients only while METRICS_TOKEN is unset' });
      return;
    }
    const verdict = tokenSet ? authorized(req.get('authorization')) : 'ok';
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
