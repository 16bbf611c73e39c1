import path from 'node:path';
import type { Server } from 'node:http';
import type { AppConfig } from './config.js';
import { DialogEngine } from './bot/dialogEngine.js';
import { provideDialogServices } from './bot/dialogServices.js';
import { PlnBot } from './bot/plnBot.js';
import { accessNotice } from './channels/botFrameworkAccess.js';
import type { MetaChannelHandle } from './channels/meta/metaChannel.js';
import type { MetaSendQueue } from './channels/meta/sendQueue.js';
import type { MetaChannel } from './channels/meta/types.js';
import { buildChannels } from './composition/channels.js';
import { buildHttp } from './composition/http.js';
import { buildQueues } from './composition/queues.js';
import { buildStorage } from './composition/storage.js';
import { later } from './core/later.js';
import { createSignInThrottle } from './handoff/signInThrottle.js';
import { LocalHandoffBus } from './handoff/handoffBus.js';
import { HandoffDesk } from './handoff/handoffDesk.js';
import { applyReceipts, HandoffGate } from './handoff/handoffGate.js';
import { OFFICER_FILE_RETENTION_MS, OfficerFiles } from './handoff/officerFiles.js';
import { errorSummary } from './core/redact.js';
import type { HandoffStore } from './handoff/handoffStore.js';
import { createHandoffStores } from './handoff/handoffStores.js';
import { describeGuess } from './handoff/handoffSummary.js';
import type { OfficerStore } from './handoff/officerStore.js';
import { describeTrustProxy } from './core/trustProxy.js';
import { createLogger, usePseudonymKey, type Logger } from './log.js';
import { PhotoPipeline } from './media/index.js';
import { createSmtpMailer } from './notify/mailer.js';
import { notifyFiled, TicketNotifier } from './notify/ticketNotifier.js';
import { MarketplaceClassifier } from './nlu/classifier.js';
import { ModelCache } from './nlu/modelCache.js';
import { createUnderstanding, type OpenQuestion } from './nlu/understanding/index.js';
import { Metrics } from './observability/metrics.js';
import { queueDepthsFrom, queueGaugesFrom } from './observability/queueDepths.js';
import { createChannelStores } from './storage/channelStores.js';
import type { ContactWindowStore } from './storage/contactWindowStore.js';
import { ConversationStore } from './storage/conversationStore.js';
import { resolvePseudonymKey } from './storage/pseudonymKey.js';
import { ItsmHttpClient } from './tickets/itsmHttp.js';
import type { OutboxQueue, OutboxQueueOptions } from './tickets/outboxQueue.js';
import { OutboxRetrier } from './tickets/outboxRetrier.js';
import { TicketService } from './tickets/ticketService.js';
import { createTicketStores } from './tickets/ticketStores.js';

/** How long stop() waits for acknowledged messages to finish (a Graph send can hang until its own timeout). */
export const DRAIN_DEADLINE_MS = 20_000;

export interface Service {
  /** Listens on config.port (0 = any free port); resolves with the bound port. */
  start(): Promise<number>;
  /**
   * Stops accepting, lets the messages already acknowledged finish for at most `drainMs` (default
   * DRAIN_DEADLINE_MS), then closes everything. What is still running then is abandoned: a webhook
   * message stays in the inbox (written before the 200) and is processed at the next start.
   */
  stop(options?: { drainMs?: number }): Promise<void>;
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
 * The composition root: builds every part from the config and wires them together, in the order
 * they depend on each other (storage, stores, tickets, queues, the dialog engine, channels,
 * officers, HTTP; the builders are in src/composition/). `main.ts` runs it; tests build it in-process
 * on port 0 with a temporary DATA_DIR.
 */
export function createService(config: AppConfig, log: Logger = createLogger(config.logLevel)): Service {
  const storage = buildStorage(config, log);
  const { database, redis } = storage;
  const handoffStores = createHandoffStores(database);
  const { handoffs: handoffStore, officers } = handoffStores;
  const remote = config.tickets.remote ? new ItsmHttpClient(config.tickets.remote) : undefined;
  const ticketStores = createTicketStores(database, remote ? { remote } : {});
  const metrics = new Metrics({
    queueDepths: queueDepthsFrom({ outboxPending: () => ticketStores.outbox.pendingCount(), handoffCounts: () => handoffStore.countOpen() }),
    onError: (err) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'metrics: queue depths not read'),
  });
  // The two cycles of the wiring, closed below once both ends exist (see src/core/later.ts).
  const outboxQueueLater = later<OutboxQueue | undefined>('the outbox queue');
  const notifyLate = later<OutboxQueueOptions['notify']>('the late-number notice');
  const tickets = new TicketService({
    ...ticketStores,
    logger: { warn: (message, meta) => log.warn(meta ?? {}, message) },
    maxAttempts: config.tickets.retry.maxAttempts,
    // Redis away: the retrier's sweep files it from the database instead.
    ...(config.redis ? { onPending: (key: string) => void outboxQueueLater.get()?.enqueue(key).catch(() => undefined) } : {}),
  });
  const queues = buildQueues(config, { log, metrics, tickets, notifyLate });
  outboxQueueLater.set(queues.outbox);
  metrics.watchQueues(
    queueGaugesFrom({
      outboxDead: () => ticketStores.outbox.deadCount(),
      ...(queues.sends ? { sends: queues.sends } : {}),
      ...(queues.outbox ? { outbox: queues.outbox } : {}),
    }),
  );
  const photos = new PhotoPipeline({
    dir: config.photos.dir,
    limits: { maxBytes: config.photos.maxBytes, maxInputPixels: config.photos.maxPixels },
    // Attachment URLs come from clients: public addresses only (every redirect too), unless
    // MEDIA_ALLOWED_ORIGINS names the origin (e.g. the Emulator's on this machine).
    allowedOrigins: config.photos.allowedOrigins,
  });
  // The classifier trains from the corpus in this repository at start-up (no download), or reads
  // the network an earlier start trained on the same corpus from the model cache; turns that need
  // it wait for it, and /readyz says "starting" until it is done.
  const notKept = (err: unknown) =>
    log.warn({ err: err instanceof Error ? err.message : String(err) }, 'language models not kept between starts (trained at every start): set NLU_CACHE_DIR to a writable directory, or to off');
  const modelCache = config.nluCacheDir === null ? undefined : config.nluCacheDir ? new ModelCache(config.nluCacheDir, notKept) : ModelCache.beside(notKept);
  const classifierReady = MarketplaceClassifier.train(undefined, undefined, modelCache);
  classifierReady.catch((err: unknown) => log.error({ err: err instanceof Error ? err.message : String(err) }, 'classifier training failed'));
  const classifier = { classify: async (text: string) => (await classifierReady).classify(text) };
  // The understanding step reads every text against the open question (src/nlu/understanding);
  // it trains its own small models at start-up, beside the classifier.
  const understandingReady = createUnderstanding({ classifier, ...(modelCache ? { modelCache } : {}) });
  understandingReady.catch((err: unknown) => log.error({ err: err instanceof Error ? err.message : String(err) }, 'understanding step failed to start'));
  const understanding = { understand: async (text: string, open: OpenQuestion) => (await understandingReady).understand(text, open) };
  // The officers' queue: every message is written to the transcript, and while an officer holds a
  // conversation the engine leaves the dialog alone (the bot cannot talk over the officer).
  const handoffBus = redis?.bus ?? new LocalHandoffBus();
  const engine = new DialogEngine({
    store: new ConversationStore(database),
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
      whatsappForm: config.meta.whatsapp?.flowId !== undefined,
    }),
    turnTimeoutMs: config.turnBudgetMs,
    defaultLocale: config.defaultLocale,
    understanding,
    handoffs: new HandoffGate({ store: handoffStore, bus: handoffBus, hours: config.officers.hours, photos, metrics }),
  });
  // Shared like the rest: any instance can send an officer's reply or a late notice within the
  // window (and to the Bot Framework address) that another instance's inbound message recorded.
  const channelStores = createChannelStores(database, { windows: { onFailure: (f) => metrics.deliveryFailed(f.channel, f.reason) } });
  const bot = new PlnBot({
    engine,
    log,
    defaultLocale: config.defaultLocale,
    references: channelStores.references,
    metrics,
    transcriptOf: (key) => handoffStore.transcript(key, 50),
    positionOf: async (id) => {
      const handoff = await handoffStore.byId(id);
      return handoff ? handoffStore.position(handoff) : null;
    },
  });
  const channels = buildChannels(config, {
    bot,
    stores: channelStores,
    storage,
    sendQueue: queues.sends,
    metrics,
    log,
    receipts: (receipts) => {
      applyReceipts({ store: handoffStore, bus: handoffBus }, receipts).catch((err: unknown) => log.warn({ err: errorSummary(err) }, 'delivery receipts not recorded'));
    },
  });
  const { messenger } = channels;
  const mailer = config.notify.smtpUrl ? createSmtpMailer({ url: config.notify.smtpUrl, from: config.notify.smtpFrom }) : undefined;
  const localeOf = async (conversationKey: string) => (await engine.peek(conversationKey))?.context.locale;
  const notifier = new TicketNotifier({
    messenger,
    mailer,
    defaultLocale: config.defaultLocale,
    localeOf: (ticket) => localeOf(`${ticket.channel}:${ticket.conversationId}`),
    log,
  });
  notifyLate.set((entry) => notifyFiled(entry, { messenger, localeOf, defaultLocale: config.defaultLocale, log }));
  // With the queue it only sweeps (slower) for what Redis lost; without, it files and retries.
  const retry = config.tickets.retry;
  const outboxQueue = queues.outbox;
  const retrier = new OutboxRetrier({
    tickets,
    baseDelayMs: retry.baseDelayMs,
    maxDelayMs: retry.maxDelayMs,
    log,
    notify: notifyLate.get(),
    ...(outboxQueue ? { requeue: (keys: string[]) => outboxQueue.requeue(keys), idleDelayMs: retry.sweepMs } : {}),
  });
  const officerFiles = new OfficerFiles(path.join(config.dataDir, 'officer-files'));
  const desk = new HandoffDesk({
    store: handoffStore,
    engine,
    messenger,
    tickets,
    bus: handoffBus,
    officerName: async (username) => (await officers.get(username))?.displayName ?? null,
    files: officerFiles,
    onlineOfficers: async () => (await Promise.all((await handoffStores.sessions.online()).map((u) => officers.get(u)))).filter((o) => o !== null),
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
  const throttle = createSignInThrottle(redis && config.redis ? { kind: 'redis', client: redis.commands, prefix: config.redis.prefix } : database, { log });
  let started = false;
  const app = buildHttp(config, {
    bot,
    channels,
    storage,
    handoff: { ...handoffStores, desk, bus: handoffBus, throttle },
    tickets,
    notifier,
    photos,
    metrics,
    started: () => started,
    log,
  });
  let server: Server | undefined;
  let inboxSweep: NodeJS.Timeout | undefined;
  let throttleSweep: NodeJS.Timeout | undefined;
  let filesSweep: NodeJS.Timeout | undefined;

  return {
    log,
    tickets,
    engine,
    channels: channels.meta,
    windows: channelStores.windows,
    notifier,
    handoffs: { store: handoffStore, desk, officers },
    outbox: retrier,
    metrics,
    queues: { ...(queues.sends ? { sends: queues.sends } : {}), ...(outboxQueue ? { outbox: outboxQueue } : {}) },
    async start() {
      const trainStarted = Date.now();
      await Promise.all([classifierReady, understandingReady]);
      log.info({ ms: Date.now() - trainStarted }, 'classifier ready');
      await storage.migrate();
      // Before anything is logged about a user: the deployment's key, the same on every instance.
      usePseudonymKey(await resolvePseudonymKey(config.logPseudonymKey, database));
      if (redis) await redis.ready();
      // Not ready yet (Redis away): replies are sent inline and the sweep files, until it is back.
      await queues.waitReady();
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
      await channels.recoverInbox(0);
      inboxSweep = setInterval(() => void channels.recoverInbox(60_000), 30_000);
      inboxSweep.unref();
      throttleSweep = setInterval(() => void throttle.purgeExpired(), 10 * 60_000);
      throttleSweep.unref();
      // Files officers sent are kept for a resend only as long as one could reach the customer.
      const sweepFiles = () =>
        void officerFiles.sweep(OFFICER_FILE_RETENTION_MS).then(
          (deleted) => deleted > 0 && log.info({ deleted }, 'officer files past their retention deleted'),
          (err: unknown) => log.warn({ err: errorSummary(err) }, 'officer files sweep failed'),
        );
      sweepFiles();
      filesSweep = setInterval(sweepFiles, 60 * 60_000);
      filesSweep.unref();
      const listening = app.listen(config.port, config.host);
      server = listening;
      await new Promise<void>((resolve, reject) => {
        listening.once('listening', resolve);
        listening.once('error', reject);
      });
      started = true;
      const address = listening.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      // Whose X-Forwarded-For decides the address sign-ins are throttled by, so it is said once here.
      log.info({ port, dataDir: config.dataDir, metaChannels: Object.keys(channels.meta), trustProxy: describeTrustProxy(config.trustProxy) }, 'PLN 123 Marketplace bot listening');
      const access = accessNotice(channels.botFramework.access);
      log[access.level]({ botFramework: channels.botFramework.access }, access.message);
      return port;
    },
    async stop({ drainMs = DRAIN_DEADLINE_MS } = {}) {
      started = false;
      // Stop accepting first, so nothing is acknowledged that would then be processed against a
      // closed database; then let acknowledged messages finish, for a while; then close.
      const closed = server ? new Promise<void>((resolve) => server!.close(() => resolve())) : Promise.resolve();
      server?.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        Promise.all([channels.idle(), notifier.idle()]).then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), drainMs))),
      ]);
      clearTimeout(timer);
      if (!drained) log.warn({ drainMs }, 'shutdown: messages still in progress after the deadline; closing anyway (the webhook inbox gives them back at the next start)');
      await retrier.stop();
      await queues.close();
      if (inboxSweep) clearInterval(inboxSweep);
      if (throttleSweep) clearInterval(throttleSweep);
      if (filesSweep) clearInterval(filesSweep);
      mailer?.close();
      server?.closeAllConnections();
      await closed;
      await storage.close();
    },
  };
}
