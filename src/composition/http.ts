import type { Express } from 'express';
import type { PlnBot } from '../bot/plnBot.js';
import type { AppConfig } from '../config.js';
import { errorSummary } from '../core/redact.js';
import { createAgentAuth } from '../handoff/agentAuth.js';
import { createAgentRouter } from '../handoff/agentRouter.js';
import { createConsolePageRouter } from '../handoff/consolePage.js';
import { createSupervisorRouter } from '../handoff/supervisorRouter.js';
import { SupervisorStatsStore } from '../handoff/supervisorStats.js';
import type { HandoffBus } from '../handoff/handoffBus.js';
import type { HandoffDesk } from '../handoff/handoffDesk.js';
import type { HandoffStores } from '../handoff/handoffStores.js';
import type { SignInThrottle } from '../handoff/signInThrottle.js';
import { createApp } from '../http/app.js';
import { createTicketsRouter } from '../http/ticketsRouter.js';
import type { Logger } from '../log.js';
import type { PhotoPipeline } from '../media/photoPipeline.js';
import type { TicketNotifier } from '../notify/ticketNotifier.js';
import type { Metrics } from '../observability/metrics.js';
import { metricsRouter } from '../http/metricsRouter.js';
import type { TicketService } from '../tickets/ticketService.js';
import type { ChannelParts } from './channels.js';
import type { StorageParts } from './storage.js';

/** The HTTP surface: Bot Framework, the Meta webhooks, the ticket API, the officers' console, metrics, health. */
export function buildHttp(
  config: AppConfig,
  parts: {
    bot: PlnBot;
    channels: ChannelParts;
    storage: StorageParts;
    handoff: HandoffStores & { desk: HandoffDesk; bus: HandoffBus; throttle: SignInThrottle };
    tickets: TicketService;
    notifier: TicketNotifier;
    /** The service's photo store: the console's photos and thumbnails (made on first view) come from it. */
    photos: Pick<PhotoPipeline, 'servePath'>;
    metrics: Metrics;
    /** Whether start-up work is done (readiness also needs the database open). */
    started: () => boolean;
    log: Logger;
  },
): Express {
  const { channels, storage, handoff, log } = parts;
  const auth = createAgentAuth({ officers: handoff.officers, sessions: handoff.sessions, throttle: handoff.throttle, secureCookies: config.officers.secureCookies, log });
  const redis = storage.redis;
  return createApp({
    adapter: channels.botFramework,
    bot: parts.bot,
    routers: [
      metricsRouter(parts.metrics, { token: config.metricsToken }),
      createConsolePageRouter({ defaultLocale: config.defaultLocale }),
      createAgentRouter({
        auth,
        desk: handoff.desk,
        bus: handoff.bus,
        sessions: handoff.sessions,
        photoPath: (file) => parts.photos.servePath(file),
        onError: (err) => log.error({ err: errorSummary(err) }, 'agent api failed'),
      }),
      createSupervisorRouter({
        auth,
        stats: new SupervisorStatsStore(parts.storage.database.db, { timeZone: config.officers.hours.timeZone, botOfficerName: config.tickets.officerName }),
        onError: (err) => log.error({ err: errorSummary(err) }, 'supervisor api failed'),
      }),
      ...Object.values(channels.meta).map((c) => c.router),
      createTicketsRouter({
        tickets: parts.tickets,
        token: config.tickets.apiToken,
        onError: (err) => log.error({ err: errorSummary(err) }, 'ticket api failed'),
        onReply: (ticket, reply) => void parts.notifier.enqueue(ticket, reply),
      }),
    ],
    trustProxy: config.trustProxy,
    ready: () => parts.started() && storage.isOpen(),
    // A Redis outage degrades (turns ordered per instance) but does not take the instance out.
    readiness: (): Record<string, string> => (redis ? { redis: redis.health.degraded ? 'degraded' : redis.health.ready ? 'ready' : 'connecting' } : {}),
    log,
  });
}
