import type { AppConfig } from '../config.js';

/**
 * What an operator reads when the service starts on a terminal, and when it cannot start: plain
 * sentences (the JSON logs stay the default off a terminal, for a log collector).
 */

/** The longest a stop may take (drain the channels, close the queues and the database) before the process exits anyway. */
export const STOP_DEADLINE_MS = 25_000;

export interface BannerFacts {
  port: number;
  officers: number;
}

/** The start-up banner: where to reach the service, what is on, and what to do next. */
export function startupBanner(config: AppConfig, facts: BannerFacts): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const base = `http://${host}:${facts.port}`;
  const channels = (['whatsapp', 'messenger', 'instagram'] as const).filter((c) => config.meta[c] !== undefined);
  const storage = config.postgres ? `PostgreSQL ${redactUrl(config.postgres.url)}${config.redis ? ` + Redis ${redactUrl(config.redis.url)}` : ''}` : `SQLite in ${config.dataDir}`;
  const lines = [
    '',
    `PLN 123 Marketplace bot is running — ${base}`,
    '',
    `  Bot Framework endpoint  ${base}/api/messages   (try it: npm run chat, or npm run chat -- --channel whatsapp)`,
    `  Officers' console       ${base}/agent`,
    `  Metrics                 ${base}/metrics${config.metricsToken ? ' (bearer token required)' : ''}`,
    `  Meta channels           ${channels.length ? channels.join(', ') : 'none configured (set the WHATSAPP_/MESSENGER_/INSTAGRAM_ settings, see .env.example)'}`,
    `  Data                    ${storage}`,
    facts.officers > 0
      ? `  Officer accounts        ${facts.officers}`
      : '  Officer accounts        none yet: npm run officer -- add <username> --name "Display Name"',
    '',
  ];
  return lines.join('\n');
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** Why the service could not start, in words an operator can act on. */
export function explainStartError(err: unknown, config: Pick<AppConfig, 'postgres'> | null): string {
  const message = err instanceof Error ? err.message : String(err);
  if (config?.postgres && /relation "[^"]+" does not exist/.test(message)) {
    return `The PostgreSQL database has no tables yet (${message}). Run \`npm run migrate\` once (with the same DATABASE_URL), or start with MIGRATE_ON_START=true, then start again.`;
  }
  if (/EADDRINUSE/.test(message)) return `The port is taken (${message}): stop the other process, or set PORT to a free one.`;
  if (/ECONNREFUSED/.test(message) && config?.postgres) return `PostgreSQL or Redis does not answer (${message}): check DATABASE_URL and REDIS_URL, and that the servers run.`;
  return message;
}
