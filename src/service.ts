import type { Server } from 'node:http';
import type { AppConfig } from './config.js';
import { DialogEngine } from './bot/dialogEngine.js';
import { provideDialogServices } from './bot/dialogServices.js';
import { PlnBot } from './bot/plnBot.js';
import { createBotFrameworkAdapter } from './channels/botframework.js';
import { accessNotice } from './channels/botFrameworkAccess.js';
import { createMessengerChannel } from './channels/messenger/messengerChannel.js';
import type { MetaChannelHandle } from './channels/meta/metaChannel.js';
import type { MetaChannel } from './channels/meta/types.js';
import { MetaSendQueue } from './channels/meta/sendQueue.js';
import { GatedWebhookInbox } from './channels/meta/webhookGate.js';
import { createWhatsAppChannel } from './channels/whatsapp/whatsAppChannel.js';
import { errorSummary } from './core/redact.js';
import { REDELIVERY_RETENTION_MS } from './core/retention.js';
import type { ContactWindowStore } from './storage/contactWindowStore.js';
import { createAgentAuth } from './handoff/agentAuth.js';
import { createAgentRouter } from './handoff/agentRouter.js';
import { createSignInThrottle } from './handoff/signInThrottle.js';
import { createConsolePageRouter } from './handoff/consolePage.js';
import { ChannelSender } from './handoff/conversationSender.js';
import { LocalHandoffBus } from './handoff/handoffBus.js';
import { HandoffDesk } from './handoff/handoffDesk.js';
import { HandoffGate } from './handoff/handoffGate.js';
import type { HandoffStore } from './handoff/handoffStore.js';
import { createHandoffStores } from './handoff/handoffStores.js';
import { describeGuess } from './handoff/handoffSummary.js';
import type { OfficerStore } from './handoff/officerStore.js';
import { createApp } from './http/app.js';
import { describeTrustProxy } from './http/trustProxy.js';
import { Metrics } from './observability/metrics.js';
import { metricsRouter } from './observability/metricsRouter.js';
import { queueDepthsFrom, queueGaugesFrom, sqliteQueueDepths } from './observability/queueDepths.js';
import type { JobCounts } from './storage/redis/queueTypes.js';
import { openRedisParts } from './storage/redis/redisParts.js';
import { migratePostgres as migrate } from './storage/migrate.js';
import { openPostgres } from './storage/postgres/pool.js';
import { PgConversationStore } from './storage/postgres/pgConversationStore.js';
import { PgWebhookInbox } from './storage/postgres/pgWebhookInbox.js';
import { SqliteWebhookInbox } from './channels/meta/webhookInbox.js';
import { createTicketStores } from './tickets/ticketStores.js';
import { createTicketsRouter } from './http/ticketsRouter.js';
import { createLogger, usePseudonymKey, type Logger } from './log.js';
import { PhotoPipeline } from './media/index.js';
import { PhotoStore } from './media/photoStore.js';
import { createChannelStores } from './storage/channelStores.js';
import { createSmtpMailer } from './notify/mailer.js';
import { TicketNotifier } from './notify/ticketNotifier.js';
import { MarketplaceClassifier } from './nlu/classifier.js';
import { createUnderstanding, type OpenQuestion } from './nlu/understanding/index.js';
import { resolvePseudonymKey } from './storage/pseudonymKey.js';
import { openSqlite } from './storage/sqlite.js';
import { postgresDatabase, sqliteDatabase, type Database } from './storage/database.js';
import { SqliteCheckpointer } from './storage/sqliteCheckpointer.js';
import { SqliteConversationStore } from './storage/sqliteConversationStore.js';
import { ItsmHttpClient } from './tickets/itsmHttp.js';
import { notifyFiled } from './tickets/filedNotice.js';
import { OutboxQueue } from './tickets/outboxQueue.js';
import { OutboxRetrier } from './tickets/outboxRetrier.js';
import { TicketService } from './tickets/ticketService.js';

export interface Service {
  /** Listens on config.port (0 = any free port); resolves with the bound port. */
  start(): Promise<number>;
  stop(): Promise<void>;
  readonly log: Logger;
  readonly tickets: TicketService;
  readonly engine: DialogEngine;
  /** The Meta channels that are configured (a channel without credentials is off). */
  readonly channels: Partial<Record<MetaChannel, MetaChannelHandle>>;
  readonly windows: ContactWindowStore;
  /** Tells applicants about support-team replies; `idle()` waits for the notices under way. */
  readonly notifier: TicketNotifier;
  /** The officers' queue, transcripts and console operations. */
  readonly handoffs: { store: HandoffStore; desk: HandoffDesk; officers: OfficerStore };
  /** Files what the ITSM could not take yet, and sends late numbers (tests may `kick()` it). */
  readonly outbox: OutboxRetrier;
  readonly metrics: Metrics;
  /** The BullMQ queues (REDIS_URL only): Meta replies, and the ticket outbox's retries. */
  readonly queues: { sends?: MetaSendQueue; outbox?: OutboxQueue };
}

/**
 * The composition root: builds every part from the config and wires them together. `main.ts`
 * runs it; tests build it in-process on port 0 with a temporary DATA_DIR.
 */
export function createService(config: AppConfig, log: Logger = createLogger(config.logLevel)): Service {
  const db = openSqlite(config.dataDir);
  // The write-ahead log is checkpointed off the event loop (a turn never waits for a disk sync).
  const checkpointer = db.memory
    ? null
    : new SqliteCheckpointer(db, { onError: (message) => log.warn({ err: message }, 'SQLite background checkpoint failed; the service connection checkpoints by itself') });
  // DATABASE_URL moves the shared state (conversations, tickets and outbox, handoffs, officers) to
  // PostgreSQL so several instances serve one workload; SQLite under DATA_DIR is the default.
  const pool = config.postgres
    ? openPostgres(config.postgres.url, {
        max: config.postgres.poolSize,
        applicationName: 'pln123-bot',
        onError: (err) => log.warn({ err: err.message }, 'postgres: idle connection error'),
      })
    : undefined;
  const backend: Database = pool ? postgresDatabase(pool) : sqliteDatabase(db);
  const redis = config.redis ? openRedisParts(config.redis, log) : undefined;
  // With REDIS_URL, Meta replies and the ticket outbox's retries go through BullMQ queues (workers
  // on every instance, dead letters kept: npm run dead-letters); without, they run in-process.
  const queuePrefix = config.redis?.prefix.replace(/:+$/, '') ?? '';
  const sendQueue = config.redis
    ? new MetaSendQueue({
        connection: config.redis.url,
        prefix: queuePrefix,
        attempts: config.redis.sends.maxAttempts,
        backoffMs: config.redis.sends.baseDelayMs,
        maxBackoffMs: config.redis.sends.maxDelayMs,
        log,
        onFallback: (channel) => metrics.sendFallback(channel),
      })
    : undefined;
  const { handoffs: handoffStore, officers, sessions } = createHandoffStores(backend);
  const remote = config.tickets.remote ? new ItsmHttpClient(config.tickets.remote) : undefined;
  const ticketStores = createTicketStores(backend, remote ? { remote } : {});
  const metrics = new Metrics({
    queueDepths: pool
      ? queueDepthsFrom({ outboxPending: () => ticketStores.outbox.pendingCount(), handoffCounts: () => handoffStore.countOpen() })
      : sqliteQueueDepths(db),
    onError: (err) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'metrics: queue depths not read'),
    queues: queueGaugesFrom({
      outboxDead: () => ticketStores.outbox.deadCount(),
      ...(sendQueue ? { sends: sendQueue } : {}),
      ...(config.redis ? { outbox: { counts: (): Promise<JobCounts> => outboxQueue?.counts() ?? Promise.reject(new Error('no outbox queue yet')) } } : {}),
    }),
  });
  const tickets = new TicketService({
    ...ticketStores,
    logger: { warn: (message, meta) => log.warn(meta ?? {}, message) },
    maxAttempts: config.tickets.retry.maxAttempts,
    // Redis away: the retrier's sweep files it from the database instead.
    ...(config.redis ? { onPending: (key: string) => void outboxQueue?.enqueue(key).catch(() => undefined) } : {}),
  });
  const retry = config.tickets.retry;
  const outboxQueue: OutboxQueue | undefined = config.redis
    ? new OutboxQueue({
        connection: config.redis.url,
        prefix: queuePrefix,
        tickets,
        notify: (entry): Promise<'sent' | 'failed' | 'retry'> => notifyLate(entry),
        attempts: retry.maxAttempts,
        backoffMs: retry.baseDelayMs,
        maxBackoffMs: retry.maxDelayMs,
        log,
      })
    : undefined;
  const photos = new PhotoPipeline({
    dir: config.photos.dir,
    limits: { maxBytes: config.photos.maxBytes, maxInputPixels: config.photos.maxPixels },
    // Attachment URLs come from clients: public addresses only (every redirect too), unless
    // MEDIA_ALLOWED_ORIGINS names the origin (e.g. the Emulator's on this machine).
    allowedOrigins: config.photos.allowedOrigins,
  });
  // The classifier trains from the corpus in this repository at start-up (no download); turns
  // that need it wait for it, and /readyz says "starting" until it is done.
  const classifierReady = MarketplaceClassifier.train();
  classifierReady.catch((err: unknown) => log.error({ err: err instanceof Error ? err.message : String(err) }, 'classifier training failed'));
  const classifier = { classify: async (text: string) => (await classifierReady).classify(text) };
  // The understanding step reads every text against the open question (src/nlu/understanding);
  // it trains its own small models at start-up, beside the classifier.
  const understandingReady = createUnderstanding({ classifier });
  understandingReady.catch((err: unknown) => log.error({ err: err instanceof Error ? err.message : String(err) }, 'understanding step failed to start'));
  const understanding = { understand: async (text: string, open: OpenQuestion) => (await understandingReady).understand(text, open) };
  // The officers' queue: every message is written to the transcript, and while an officer holds a
  // conversation the engine leaves the dialog alone (the bot cannot talk over the officer).
  const handoffBus = redis?.bus ?? new LocalHandoffBus();
  const engine = new DialogEngine({
    store: pool ? new PgConversationStore(pool) : new SqliteConversationStore(db),
    ...(redis ? { lock: redis.lock } : {}),
    // A turn answers within its budget: a photo that has not arrived a little before it is spent
    // is asked for again, anything else still under way by then fails the turn (the apology).
    machine: provideDialogServices({
      tickets,
      photos,
      classifier,
      botOfficerName: config.tickets.officerName,
      metrics,
      photoBudgetMs: config.turnBudgetMs - Math.min(2_000, Math.floor(config.turnBudgetMs / 4)),
    }),
    turnTimeoutMs: config.turnBudgetMs,
    defaultLocale: config.defaultLocale,
    understanding,
    handoffs: new HandoffGate({ store: handoffStore, bus: handoffBus, hours: config.officers.hours, photos, metrics }),
  });
  // Shared like the rest: any instance can send an officer's reply or a late notice within the
  // window (and to the Bot Framework address) that another instance's inbound message recorded.
  const { windows, references, sends: ledger } = createChannelStores(backend, { windows: { onFailure: (f) => metrics.deliveryFailed(f.channel, f.reason) } });
  const bot = new PlnBot({
    engine,
    log,
    defaultLocale: config.defaultLocale,
    references,
    metrics,
    transcriptOf: (key) => handoffStore.transcript(key, 50),
    positionOf: async (id) => {
      const handoff = await handoffStore.byId(id);
      return handoff ? handoffStore.position(handoff) : null;
    },
  });
  const channels: Partial<Record<MetaChannel, MetaChannelHandle>> = {};
  // Meta's messages are written here before their 200 and marked done after their turn.
  const dbInbox = pool ? new PgWebhookInbox(pool) : new SqliteWebhookInbox(db);
  // With Redis, a redelivery another instance already took is answered without the database.
  const inbox = redis ? new GatedWebhookInbox(dbInbox, { dedupe: redis.dedupe, log, onDuplicate: (channel) => metrics.redeliveryDropped(channel) }) : dbInbox;
  const whatsapp = createWhatsAppChannel({ meta: config.meta, windows, bot, log, metrics, inbox, ledger });
  if (whatsapp) channels.whatsapp = whatsapp;
  for (const channel of ['messenger', 'instagram'] as const) {
    const handle = createMessengerChannel({ channel, meta: config.meta, windows, bot, log, metrics, inbox, ledger });
    if (handle) channels[channel] = handle;
  }
  for (const handle of Object.values(channels)) sendQueue?.attach(handle.adapter);
  const mailer = config.notify.smtpUrl ? createSmtpMailer({ url: config.notify.smtpUrl, from: config.notify.smtpFrom }) : undefined;
  const notifier = new TicketNotifier({
    channels: { ...channels, ...(whatsapp ? { whatsapp } : {}) },
    windows,
    mailer,
    whatsappTemplate: config.notify.whatsappTemplate,
    defaultLocale: config.defaultLocale,
    localeOf: async (ticket) => (await engine.peek(`${ticket.channel}:${ticket.conversationId}`))?.context.locale,
    log,
  });
  const botFrameworkAdapter = createBotFrameworkAdapter(config.botFramework);
  // Messages outside a customer's turn: officers' replies, the bot resuming, late ticket numbers.
  const sender = new ChannelSender({
    meta: channels,
    botFramework: { adapter: botFrameworkAdapter, appId: config.botFramework.appId ?? '', references },
    log,
  });
  const notifyLate = (entry: Parameters<typeof notifyFiled>[0]) => notifyFiled(entry, { engine, sender, defaultLocale: config.defaultLocale, log });
  // With the queue it only sweeps (slower) for what Redis lost; without, it files and retries.
  const retrier = new OutboxRetrier({
    tickets,
    baseDelayMs: retry.baseDelayMs,
    maxDelayMs: retry.maxDelayMs,
    log,
    notify: notifyLate,
    ...(outboxQueue ? { requeue: (keys: string[]) => outboxQueue.requeue(keys), idleDelayMs: retry.sweepMs } : {}),
  });
  const desk = new HandoffDesk({
    store: handoffStore,
    engine,
    sender,
    tickets,
    bus: handoffBus,
    officerName: async (username) => (await officers.get(username))?.displayName ?? null,
    guess: async (text) => {
      const result = await classifier.classify(text);
      return describeGuess(result.label, result.confidence);
    },
    botOfficerName: config.tickets.officerName,
    defaultLocale: config.defaultLocale,
    onFiled: () => metrics.ticketFiled('console'),
  });
  // Sign-in attempts are counted where every instance sees them: Redis when there is one, else the
  // database (which also keeps them across a restart).
  const throttle = createSignInThrottle(redis && config.redis ? { kind: 'redis', client: redis.commands, prefix: config.redis.prefix } : backend, { log });
  const auth = createAgentAuth({ officers, sessions, throttle, secureCookies: config.officers.secureCookies, log });
  const photoStore = new PhotoStore(config.photos.dir);
  let ready = false;
  const app = createApp({
    adapter: botFrameworkAdapter,
    bot,
    routers: [
      metricsRouter(metrics, { token: config.metricsToken }),
      createConsolePageRouter({ defaultLocale: config.defaultLocale }),
      createAgentRouter({
        auth,
        desk,
        bus: handoffBus,
        sessions,
        photoPath: (file) => photoStore.pathOf(file),
        onError: (err) => log.error({ err: errorSummary(err) }, 'agent api failed'),
      }),
      ...Object.values(channels).map((c) => c.router),
      createTicketsRouter({
        tickets,
        token: config.tickets.apiToken,
        onError: (err) => log.error({ err: err instanceof Error ? err.message : String(err) }, 'ticket api failed'),
        onReply: (ticket, reply) => void notifier.enqueue(ticket, reply),
      }),
    ],
    trustProxy: config.trustProxy,
    ready: () => ready && db.open,
    // A Redis outage degrades (turns ordered per instance) but does not take the instance out.
    readiness: (): Record<string, string> => (redis ? { redis: redis.health.degraded ? 'degraded' : redis.health.ready ? 'ready' : 'connecting' } : {}),
    log,
  });
  let server: Server | undefined;
  let inboxSweep: NodeJS.Timeout | undefined;
  let throttleSweep: NodeJS.Timeout | undefined;
  const recoverInbox = async (olderThanMs: number) => {
    try {
      // One read of the inbox for every channel; each takes its own messages.
      const handles = Object.values(channels);
      const pending = handles.length > 0 ? await inbox.pending(olderThanMs) : [];
      let recovered = 0;
      for (const channel of handles) recovered += channel.recover(pending);
      if (recovered) log.warn({ recovered }, 'webhook inbox: processing messages acknowledged before a crash');
      await inbox.purge(REDELIVERY_RETENTION_MS);
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'webhook inbox: recovery failed; will retry');
    }
  };

  return {
    log,
    tickets,
    engine,
    channels,
    windows,
    notifier,
    handoffs: { store: handoffStore, desk, officers },
    outbox: retrier,
    metrics,
    queues: { ...(sendQueue ? { sends: sendQueue } : {}), ...(outboxQueue ? { outbox: outboxQueue } : {}) },
    async start() {
      const trainStarted = Date.now();
      await Promise.all([classifierReady, understandingReady]);
      log.info({ ms: Date.now() - trainStarted }, 'classifier ready');
      if (pool && config.postgres?.migrateOnStart) {
        const migrated = await migrate(pool);
        if (migrated.applied.length) log.info({ applied: migrated.applied }, 'database migrated');
      }
      // Before anything is logged about a user: the deployment's key, the same on every instance.
      usePseudonymKey(await resolvePseudonymKey(config.logPseudonymKey, backend));
      if (redis) await redis.ready();
      // Not ready yet (Redis away): replies are sent inline and the sweep files, until it is back.
      await Promise.all([sendQueue?.waitReady(5_000), outboxQueue?.waitReady(5_000)].map((ready) => ready?.catch(() => undefined)));
      // Applications confirmed before a crash and not yet filed are filed now, once. A remote ITSM
      // may be down: then the retrier files them in the background and start-up does not wait.
      if (!remote) {
        const drained = await tickets.drainPending();
        if (drained.completed || drained.failed) log.info(drained, 'ticket outbox drained');
      }
      retrier.start();
      // Messages an earlier run acknowledged but did not finish (crash, kill) are processed now, and
      // a periodic sweep picks up what another, crashed instance left. One that another live
      // instance is still working on is recognised by its id and dropped.
      await recoverInbox(0);
      inboxSweep = setInterval(() => void recoverInbox(60_000), 30_000);
      inboxSweep.unref();
      throttleSweep = setInterval(() => void throttle.purgeExpired(), 10 * 60_000);
      throttleSweep.unref();
      const listening = app.listen(config.port, config.host);
      server = listening;
      await new Promise<void>((resolve, reject) => {
        listening.once('listening', resolve);
        listening.once('error', reject);
      });
      ready = true;
      const address = listening.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      // Whose X-Forwarded-For decides the address sign-ins are throttled by, so it is said once here.
      log.info({ port, dataDir: config.dataDir, metaChannels: Object.keys(channels), trustProxy: describeTrustProxy(config.trustProxy) }, 'PLN 123 Marketplace bot listening');
      const access = accessNotice(botFrameworkAdapter.access);
      log[access.level]({ botFramework: botFrameworkAdapter.access }, access.message);
      return port;
    },
    async stop() {
      ready = false;
      // Stop accepting first, so nothing is acknowledged that would then be processed against a
      // closed database; then let acknowledged messages finish; then close.
      const closed = server ? new Promise<void>((resolve) => server!.close(() => resolve())) : Promise.resolve();
      server?.closeIdleConnections();
      await Promise.all(Object.values(channels).map((c) => c.idle()));
      await notifier.idle();
      await retrier.stop();
      await outboxQueue?.close();
      await sendQueue?.close();
      if (inboxSweep) clearInterval(inboxSweep);
      if (throttleSweep) clearInterval(throttleSweep);
      mailer?.close();
      server?.closeAllConnections();
      await closed;
      await checkpointer?.stop();
      db.close();
      await redis?.close();
      await pool?.end();
    },
  };
}
