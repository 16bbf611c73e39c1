import path from 'node:path';
import { z } from 'zod';

/**
 * The service's settings, read once from the environment and validated here: this is the only
 * module that reads `process.env`. Every other module receives the parts it needs.
 * `.env.example` documents each variable.
 */
const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const positiveInt = (fallback: number) => z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(fallback));

const envSchema = z.object({
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3978)),
  HOST: z.preprocess(emptyAsUndefined, z.string().default('0.0.0.0')),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('./data')),
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info')),
  DEFAULT_LOCALE: z.preprocess(emptyAsUndefined, z.enum(['id', 'en']).default('id')),

  // Bot Framework: unset app id = local use (Emulator, npm run chat) without authentication.
  MICROSOFT_APP_ID: optionalString,
  MICROSOFT_APP_PASSWORD: optionalString,
  MICROSOFT_APP_TYPE: z.preprocess(emptyAsUndefined, z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant')),
  MICROSOFT_APP_TENANT_ID: optionalString,

  // Ticketing
  BOT_OFFICER_NAME: z.preprocess(emptyAsUndefined, z.string().min(1).max(64).default('chatbot.pln123')),
  TICKETS_API_TOKEN: optionalString,

  // Photos
  PHOTO_MAX_BYTES: positiveInt(10 * 1024 * 1024),
  PHOTO_MAX_PIXELS: positiveInt(40_000_000),
});

export type Env = z.infer<typeof envSchema>;

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  logLevel: Env['LOG_LEVEL'];
  defaultLocale: Env['DEFAULT_LOCALE'];
  botFramework: { appId?: string; appPassword?: string; appType: Env['MICROSOFT_APP_TYPE']; tenantId?: string };
  tickets: { officerName: string; apiToken?: string };
  photos: { dir: string; maxBytes: number; maxPixels: number };
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
    dataDir,
    logLevel: e.LOG_LEVEL,
    defaultLocale: e.DEFAULT_LOCALE,
    botFramework: {
      appId: e.MICROSOFT_APP_ID,
      appPassword: e.MICROSOFT_APP_PASSWORD,
      appType: e.MICROSOFT_APP_TYPE,
      tenantId: e.MICROSOFT_APP_TENANT_ID,
    },
    tickets: { officerName: e.BOT_OFFICER_NAME, apiToken: e.TICKETS_API_TOKEN },
    photos: { dir: path.join(dataDir, 'photos'), maxBytes: e.PHOTO_MAX_BYTES, maxPixels: e.PHOTO_MAX_PIXELS },
  };
}
