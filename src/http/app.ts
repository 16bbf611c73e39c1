import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Router } from 'express';
import type { Activity } from 'botbuilder';
import type { PlnBot } from '../bot/plnBot.js';
import { incomingActivitySchema, type BotFrameworkAdapter } from '../channels/botframework.js';
import { errorSummary } from '../core/redact.js';
import type { Logger } from '../log.js';
import { jsonBody } from '../core/jsonBody.js';
import { applyTrustProxy, type TrustProxy } from '../core/trustProxy.js';

export interface AppDeps {
  adapter: BotFrameworkAdapter;
  bot: PlnBot;
  /** Routers mounted as they are (ticket API, later the Meta webhooks and the agent console). */
  routers: Router[];
  /** Whether the service can take traffic (database reachable, start-up work done). */
  ready: () => boolean;
  /** Parts that may be degraded without taking the instance out of the load balancer (Redis). */
  readiness?: () => Record<string, string>;
  /** Whose X-Forwarded-For/-Proto to believe (TRUST_PROXY; off unless configured). */
  trustProxy: TrustProxy;
  log: Logger;
}

/** Largest Bot Framework activity accepted; photos come as URLs or small data URLs. */
const BOT_BODY_LIMIT = '12mb';

/**
 * The HTTP surface: the Bot Framework endpoint, the mounted routers, health checks, and one
 * error handler that turns bad requests into clear JSON errors (400, 413) rather than stack traces.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  applyTrustProxy(app, deps.trustProxy);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const ready = deps.ready();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'starting', ...(deps.readiness?.() ?? {}) });
  });

  app.post('/api/messages', admitted(deps.adapter), jsonBody(BOT_BODY_LIMIT), async (req, res) => {
    if (!incomingActivitySchema.safeParse(req.body).success) {
      res.status(400).json({ error: 'invalid_activity' });
      return;
    }
    const authorization = req.headers.authorization ?? '';
    const answer = await deps.adapter.handle(req.body as Activity, authorization, (context) => deps.bot.onTurn(context));
    if (answer.body === undefined) res.status(answer.status).end();
    else res.status(answer.status).json(answer.body);
  });

  for (const router of deps.routers) app.use(router);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  app.use(errorHandler(deps.log));
  return app;
}

/**
 * Refuses a Bot Framework request that may not be read (no valid token; an anonymous one from
 * another machine) before its body is read, so an unauthenticated client cannot make the service
 * parse megabytes. The connection is closed after the answer rather than the unread body drained.
 */
function admitted(adapter: BotFrameworkAdapter): RequestHandler {
  return async (req, res, next) => {
    const refusal = await adapter.admit(req.headers.authorization ?? '', req.socket.remoteAddress);
    if (!refusal) {
      next();
      return;
    }
    res.set('Connection', 'close');
    res.status(refusal.status).json(refusal.body);
  };
}

function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    const type = (err as { type?: unknown }).type;
    if (status === 413 || type === 'entity.too.large') {
      res.status(413).json({ error: 'payload_too_large' });
      return;
    }
    if (status === 400 || type === 'entity.parse.failed') {
      res.status(400).json({ error: 'bad_request' });
      return;
    }
    log.error({ err: errorSummary(err), path: req.path }, 'request failed');
    if (!res.headersSent) res.status(500).json({ error: 'internal_error' });
  };
}
