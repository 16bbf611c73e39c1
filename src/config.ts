import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { WorkingHours } from './core/workingHours.js';
import { exactOrigin } from './core/origin.js';
import { parseTrustProxy, type TrustProxy } from './core/trustProxy.js';

/**
 * The service's settings, read once from the environment and validated here: this is the only
 * module that reads `process.env`. Every other module receives the parts it needs.
 * `.env.example` documents each variable.
 */
const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const positiveInt = (fallback: number) => z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(fallback));
/** Comma-separated exact http(s) origins, e.g. `http://127.0.0.1:4567,https://media.example`. */
const originList = z.preprocess(emptyAsUndefined, z.string().optional()).transform((value, ctx) => {
  const origins: string[] = [];
  for (const item of (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const origin = exactOrigin(item);
    if (!origin) {
      ctx.addIssue({ code: 'custom', message: `${item} is not an origin such as http://127.0.0.1:4567 (scheme, host and port; no path)` });
      return z.NEVER;
    }
    origins.push(origin);
  }
  return origins;
});

const envSchema = z.object({
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3978)),
  HOST: z.preprocess(emptyAsUndefined, z.string().default('0.0.0.0')),
  // Whose X-Forwarded-For/-Proto to believe: off (default), a hop count, or proxy addresses/CIDRs.
  TRUST_PROXY: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .optional()
      .transform((value, ctx): TrustProxy => {
        try {
          return parseTrustProxy(value);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
          return z.NEVER;
        }
      }),
  ),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('./data')),
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info')),
  // Key of the logs' pseudonyms (HMAC-SHA256 of phone numbers, user and conversation ids), at least
  // 32 characters, the same on every instance. Unset: generated once and kept in the database.
  LOG_PSEUDONYM_KEY: z.preprocess(emptyAsUndefined, z.string().min(32, 'at least 32 characters (e.g. openssl rand -base64 32)').optional()),
  DEFAULT_LOCALE: z.preprocess(emptyAsUndefined, z.enum(['id', 'en']).default('id')),
  // Where the trained language models are kept between starts (src/nlu/modelCache.ts); "off" trains
  // them at every start. Unset: node_modules/.cache/pln123-nlu in the installed tree.
  NLU_CACHE_DIR: z.preprocess(emptyAsUndefined, z.string().optional()),

  // Scale-out (optional): PostgreSQL holds the state and records instead of SQLite; Redis adds
  // the cross-instance conversation lock and the console's pub/sub. Unset: SQLite under DATA_DIR.
  DATABASE_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  // Apply pending migrations at start-up (else run `npm run migrate` before starting).
  MIGRATE_ON_START: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).default('false')),
  DATABASE_POOL_SIZE: positiveInt(10),
  REDIS_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^rediss?$/ }).optional()),
  // Prefix of every Redis key and channel, so several deployments can share one Redis.
  REDIS_PREFIX: z.preprocess(emptyAsUndefined, z.string().regex(/^[a-z0-9:_-]{1,40}$/).default('pln123:')),

  // Bot Framework: unset app id = local use (Emulator, npm run chat) without authentication.
  MICROSOFT_APP_ID: optionalString,
  MICROSOFT_APP_PASSWORD: optionalString,
  MICROSOFT_APP_TYPE: z.preprocess(emptyAsUndefined, z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant')),
  MICROSOFT_APP_TENANT_ID: optionalString,
  // Without an app id, anonymous Bot Framework requests are taken from this machine (loopback)
  // only; true takes them from any address (development where the Emulator runs elsewhere).
  BOT_FRAMEWORK_ALLOW_ANONYMOUS_REMOTE: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).default('false')),

  // Ticketing
  BOT_OFFICER_NAME: z.preprocess(emptyAsUndefined, z.string().min(1).max(64).default('chatbot.pln123')),
  TICKETS_API_TOKEN: optionalString,

  // The real ITSM and APKT (src/tickets/itsmHttp.ts). Unset: tickets are numbered and kept here.
  ITSM_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
  APKT_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
  ITSM_TOKEN: optionalString,
  APKT_TOKEN: optionalString,
  TICKETING_TIMEOUT_MS: positiveInt(10_000),
  // While the ITSM/APKT is down, the outbox retries with exponential backoff between these bounds.
  OUTBOX_RETRY_BASE_MS: positiveInt(5_000),
  OUTBOX_RETRY_MAX_MS: positiveInt(300_000),
  // Attempts (the first included) after which a request still failing is marked dead (listed by
  // `npm run dead-letters`); a refusal (HTTP 4xx) is dead at once.
  OUTBOX_MAX_ATTEMPTS: positiveInt(10),
  // With REDIS_URL: how often the outbox is swept for requests Redis lost (they are re-queued).
  OUTBOX_SWEEP_MS: positiveInt(60_000),
  // With REDIS_URL, Meta replies go through a queue: tries per reply (each with Graph's own
  // retries), and the backoff between tries. A reply failing them all is a dead letter.
  SEND_MAX_ATTEMPTS: positiveInt(3),
  SEND_RETRY_BASE_MS: positiveInt(2_000),
  SEND_RETRY_MAX_MS: positiveInt(30_000),

  // Meta channels (WhatsApp Cloud API, Messenger, Instagram). A channel is on when its token is set
  // and the app secret and verify token are set too; otherwise its webhook answers 404.
  META_APP_SECRET: optionalString,
  INSTAGRAM_APP_SECRET: optionalString,
  META_VERIFY_TOKEN: optionalString,
  GRAPH_API_BASE_URL: z.preprocess(emptyAsUndefined, z.url().default('https://graph.facebook.com')),
  GRAPH_API_VERSION: z.preprocess(emptyAsUndefined, z.string().regex(/^v\d+\.\d+$/).default('v25.0')),
  WHATSAPP_ACCESS_TOKEN: optionalString,
  WHATSAPP_PHONE_NUMBER_ID: optionalString,
  // The seller application as a WhatsApp Flow (flows/, `npm run flow:publish`): the WhatsApp
  // Business Account the Flow belongs to, and the published Flow's id. Without a Flow id the
  // application is asked in the chat, as on the other channels.
  WHATSAPP_BUSINESS_ACCOUNT_ID: z.preprocess(emptyAsUndefined, z.string().regex(/^\d{1,30}$/, 'the numeric id of the WhatsApp Business Account').optional()),
  WHATSAPP_FLOW_ID: z.preprocess(emptyAsUndefined, z.string().regex(/^\d{1,30}$/, 'the numeric id of a published Flow').optional()),
  MESSENGER_PAGE_ACCESS_TOKEN: optionalString,
  INSTAGRAM_ACCESS_TOKEN: optionalString,
  WEBHOOK_BODY_LIMIT_BYTES: positiveInt(4 * 1024 * 1024),
  GRAPH_MAX_ATTEMPTS: positiveInt(5),
  GRAPH_RETRY_BASE_MS: positiveInt(500),
  // How long one message send waits for Graph's answer. Above Graph's own processing time (an
  // answer after 16 s has been seen): a send that times out may have been delivered and is not
  // sent again, so a timeout too short would lose replies that were only slow.
  GRAPH_SEND_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1_000).max(120_000).default(30_000)),
  // How long a customer's turn may take before they get an answer: a photo that cannot be fetched
  // in time is answered with "please send it again", anything else slower with the apology.
  TURN_BUDGET_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(500).max(120_000).default(20_000)),

  // Follow-up notices when the support team replies on a ticket (POST /api/tickets/:number/replies).
  // Email: off while SMTP_URL is unset. WhatsApp outside the 24-hour window: an approved template.
  SMTP_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^smtps?$/ }).optional()),
  SMTP_FROM: z.preprocess(emptyAsUndefined, z.string().min(3).max(200).default('PLN 123 <no-reply@pln.co.id>')),
  WHATSAPP_REPLY_TEMPLATE: z.preprocess(emptyAsUndefined, z.string().regex(/^[a-z0-9_]{1,512}$/, 'lowercase letters, digits and underscores').optional()),
  WHATSAPP_REPLY_TEMPLATE_LANGUAGE: z.preprocess(emptyAsUndefined, z.string().regex(/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/, 'a template language code such as id or en_US').default('id')),

  // GET /metrics (Prometheus): with a token, "Authorization: Bearer <token>" from anywhere; unset,
  // only clients on this host's loopback (a scraper beside the service, or an SSH tunnel).
  METRICS_TOKEN: optionalString,

  // Officers (agent console at /agent): when they are on duty, in which time zone; the queue
  // message tells customers who ask outside these hours when officers are back.
  OFFICER_HOURS: z.preprocess(emptyAsUndefined, z.string().default('mon-fri 08:00-17:00')),
  OFFICER_TIMEZONE: z.preprocess(emptyAsUndefined, z.string().default('Asia/Jakarta')),
  // Mark the console's session cookie Secure on every response, even to a plain-HTTP request.
  // Otherwise it is Secure when the request came over HTTPS: a trusted proxy's X-Forwarded-Proto
  // (TRUST_PROXY), or a browser's Origin naming an https page.
  AGENT_SECURE_COOKIES: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).default('false')),

  // Photos
  // Where photos are stored (default DATA_DIR/photos). Several instances must share it (a shared
  // volume), so that a photo received by one instance can be shown in the console of another.
  PHOTOS_DIR: optionalString,
  PHOTO_MAX_BYTES: positiveInt(10 * 1024 * 1024),
  PHOTO_MAX_PIXELS: positiveInt(40_000_000),
  // Photos are downloaded only from public addresses, except from these exact origins (and, for
  // WhatsApp, Messenger and Instagram media, GRAPH_API_BASE_URL's).
  MEDIA_ALLOWED_ORIGINS: originList,
});

export type Env = z.infer<typeof envSchema>;

export interface AppConfig {
  port: number;
  host: string;
  /** Whose X-Forwarded-* headers express believes (src/http/trustProxy.ts). */
  trustProxy: TrustProxy;
  dataDir: string;
  logLevel: Env['LOG_LEVEL'];
  /** Undefined: generated and kept in the database (src/storage/pseudonymKey.ts). */
  logPseudonymKey?: string;
  defaultLocale: Env['DEFAULT_LOCALE'];
  /** Where trained language models are kept between starts; null: nowhere (trained at every start); undefined: the default place. */
  nluCacheDir?: string | null;
  /** How long a customer's turn may take before they get an answer (ms). */
  turnBudgetMs: number;
  /** `allowAnonymousRemote` matters only without an app id (see src/channels/botFrameworkAccess.ts). */
  botFramework: { appId?: string; appPassword?: string; appType: Env['MICROSOFT_APP_TYPE']; tenantId?: string; allowAnonymousRemote: boolean };
  tickets: {
    officerName: string;
    apiToken?: string;
    /** The real ITSM/APKT endpoints; undefined = embedded numbering. */
    remote?: { itsmUrl: string; apktUrl: string; itsmToken?: string; apktToken?: string; timeoutMs: number };
    retry: { baseDelayMs: number; maxDelayMs: number; maxAttempts: number; sweepMs: number };
  };
  /** `allowedOrigins`: photo URLs fetched whatever their addresses (else public addresses only). */
  photos: { dir: string; maxBytes: number; maxPixels: number; allowedOrigins: string[] };
  meta: MetaConfig;
  notify: NotifyConfig;
  officers: { hours: WorkingHours; secureCookies: boolean };
  metricsToken?: string;
  /** Undefined: SQLite under dataDir. */
  postgres?: { url: string; migrateOnStart: boolean; poolSize: number };
  redis?: { url: string; prefix: string; sends: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number } };
}

/** How the applicant hears about a support-team reply besides the conversation itself. */
export interface NotifyConfig {
  /** smtp://user:pass@host:587 or smtps://...:465; undefined = no email. */
  smtpUrl?: string;
  smtpFrom: string;
  /** Approved WhatsApp template (one body parameter: the ITSM number) used outside the 24-hour window. */
  whatsappTemplate?: { name: string; language: string };
}

export interface MetaChannelConfig {
  accessToken: string;
  /** Secret the channel's webhooks are signed with. */
  appSecret: string;
}

export interface MetaConfig {
  verifyToken?: string;
  graphBaseUrl: string;
  graphVersion: string;
  /** Media origins fetched whatever their addresses, besides the Graph API's (MEDIA_ALLOWED_ORIGINS). */
  mediaAllowedOrigins?: string[];
  webhookBodyLimitBytes: number;
  retry: { maxAttempts: number; baseDelayMs: number };
  /** Per message send: longer than Graph's own processing; a send timed out is never sent again. */
  sendTimeoutMs: number;
  /** Each channel is present only when fully configured. */
  whatsapp?: MetaChannelConfig & { phoneNumberId: string; flowId?: string };
  /** Managing the seller application's Flow (`npm run flow:publish`): a WhatsApp token and the business account. */
  flowPublishing?: { accessToken: string; businessAccountId: string; flowId?: string };
  messenger?: MetaChannelConfig;
  instagram?: MetaChannelConfig;
}

/** Parses the environment; throws a readable error listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    trustProxy: e.TRUST_PROXY,
    dataDir,
    logLevel: e.LOG_LEVEL,
    ...(e.LOG_PSEUDONYM_KEY ? { logPseudonymKey: e.LOG_PSEUDONYM_KEY } : {}),
    defaultLocale: e.DEFAULT_LOCALE,
    ...(e.NLU_CACHE_DIR ? { nluCacheDir: e.NLU_CACHE_DIR === 'off' ? null : path.resolve(e.NLU_CACHE_DIR) } : {}),
    turnBudgetMs: e.TURN_BUDGET_MS,
    botFramework: {
      appId: e.MICROSOFT_APP_ID,
      appPassword: e.MICROSOFT_APP_PASSWORD,
      appType: e.MICROSOFT_APP_TYPE,
      tenantId: e.MICROSOFT_APP_TENANT_ID,
      allowAnonymousRemote: e.BOT_FRAMEWORK_ALLOW_ANONYMOUS_REMOTE === 'true',
    },
    tickets: {
      officerName: e.BOT_OFFICER_NAME,
      apiToken: e.TICKETS_API_TOKEN,
      ...(e.ITSM_URL && e.APKT_URL
        ? { remote: { itsmUrl: e.ITSM_URL.replace(/\/$/, ''), apktUrl: e.APKT_URL.replace(/\/$/, ''), itsmToken: e.ITSM_TOKEN, apktToken: e.APKT_TOKEN, timeoutMs: e.TICKETING_TIMEOUT_MS } }
        : {}),
      retry: {
        baseDelayMs: e.OUTBOX_RETRY_BASE_MS,
        maxDelayMs: Math.max(e.OUTBOX_RETRY_MAX_MS, e.OUTBOX_RETRY_BASE_MS),
        maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
        sweepMs: e.OUTBOX_SWEEP_MS,
      },
    },
    photos: {
      dir: e.PHOTOS_DIR ? path.resolve(e.PHOTOS_DIR) : path.join(dataDir, 'photos'),
      maxBytes: e.PHOTO_MAX_BYTES,
      maxPixels: e.PHOTO_MAX_PIXELS,
      allowedOrigins: e.MEDIA_ALLOWED_ORIGINS,
    },
    meta: metaConfig(e),
    officers: { hours: workingHours(e), secureCookies: e.AGENT_SECURE_COOKIES === 'true' },
    metricsToken: e.METRICS_TOKEN,
    ...(e.DATABASE_URL ? { postgres: { url: e.DATABASE_URL, migrateOnStart: e.MIGRATE_ON_START === 'true', poolSize: e.DATABASE_POOL_SIZE } } : {}),
    ...(e.REDIS_URL
      ? {
          redis: {
            url: e.REDIS_URL,
            prefix: e.REDIS_PREFIX,
            sends: { maxAttempts: e.SEND_MAX_ATTEMPTS, baseDelayMs: e.SEND_RETRY_BASE_MS, maxDelayMs: Math.max(e.SEND_RETRY_MAX_MS, e.SEND_RETRY_BASE_MS) },
          },
        }
      : {}),
    notify: {
      smtpUrl: e.SMTP_URL,
      smtpFrom: e.SMTP_FROM,
      ...(e.WHATSAPP_REPLY_TEMPLATE ? { whatsappTemplate: { name: e.WHATSAPP_REPLY_TEMPLATE, language: e.WHATSAPP_REPLY_TEMPLATE_LANGUAGE } } : {}),
    },
  };
}

function metaConfig(e: Env): MetaConfig {
  const secret = e.META_APP_SECRET;
  const on = Boolean(secret && e.META_VERIFY_TOKEN);
  return {
    verifyToken: e.META_VERIFY_TOKEN,
    graphBaseUrl: e.GRAPH_API_BASE_URL.replace(/\/$/, ''),
    graphVersion: e.GRAPH_API_VERSION,
    mediaAllowedOrigins: e.MEDIA_ALLOWED_ORIGINS,
    webhookBodyLimitBytes: e.WEBHOOK_BODY_LIMIT_BYTES,
    retry: { maxAttempts: e.GRAPH_MAX_ATTEMPTS, baseDelayMs: e.GRAPH_RETRY_BASE_MS },
    sendTimeoutMs: e.GRAPH_SEND_TIMEOUT_MS,
    ...(on && secret && e.WHATSAPP_ACCESS_TOKEN && e.WHATSAPP_PHONE_NUMBER_ID
      ? { whatsapp: { accessToken: e.WHATSAPP_ACCESS_TOKEN, appSecret: secret, phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID, ...(e.WHATSAPP_FLOW_ID ? { flowId: e.WHATSAPP_FLOW_ID } : {}) } }
      : {}),
    ...(e.WHATSAPP_ACCESS_TOKEN && e.WHATSAPP_BUSINESS_ACCOUNT_ID
      ? { flowPublishing: { accessToken: e.WHATSAPP_ACCESS_TOKEN, businessAccountId: e.WHATSAPP_BUSINESS_ACCOUNT_ID, ...(e.WHATSAPP_FLOW_ID ? { flowId: e.WHATSAPP_FLOW_ID } : {}) } }
      : {}),
    ...(on && secret && e.MESSENGER_PAGE_ACCESS_TOKEN ? { messenger: { accessToken: e.MESSENGER_PAGE_ACCESS_TOKEN, appSecret: secret } } : {}),
    ...(on && secret && e.INSTAGRAM_ACCESS_TOKEN
      ? { instagram: { accessToken: e.INSTAGRAM_ACCESS_TOKEN, appSecret: e.INSTAGRAM_APP_SECRET ?? secret } }
      : {}),
  };
}

function workingHours(e: Env): WorkingHours {
  try {
    return WorkingHours.parse(e.OFFICER_HOURS, e.OFFICER_TIMEZONE);
  } catch (err) {
    throw new Error(`Invalid configuration:\n  OFFICER_HOURS/OFFICER_TIMEZONE: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Reads `.env` (or the file ENV_FILE names) into the environment with Node's own loader, before
 * `loadConfig`: a variable already set in the real environment wins over the file. No file, no
 * change (an ENV_FILE naming a missing file is an error: a typo there would start with defaults).
 */
export function loadEnvFile(env: NodeJS.ProcessEnv = process.env): void {
  const file = env.ENV_FILE ?? '.env';
  if (fs.existsSync(file)) process.loadEnvFile(file);
  else if (env.ENV_FILE) throw new Error(`ENV_FILE names ${file}, which does not exist.`);
}
