import { loadConfig, loadEnvFile, type AppConfig } from './config.js';
import { createLogger } from './log.js';
import { createService } from './service.js';
import { explainStartError, startupBanner, STOP_DEADLINE_MS } from './composition/startup.js';

/**
 * Starts the service with the environment's settings and stops it cleanly on SIGINT/SIGTERM.
 * A `.env` file (or the one ENV_FILE names) is read first with Node's own loader; a variable set in
 * the real environment wins over the file.
 */
async function main(): Promise<void> {
  loadEnvFile();
  let config: AppConfig | null = null;
  try {
    config = loadConfig();
    const log = createLogger(config.logLevel);
    const service = createService(config, log);
    const port = await service.start();
    // On a terminal, a banner for the person who started it; off one, the JSON logs alone.
    if (process.stdout.isTTY) process.stdout.write(`${startupBanner(config, { port, officers: (await service.handoffs.officers.list()).length })}\n`);
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      const deadline = setTimeout(() => {
        log.error({ deadlineMs: STOP_DEADLINE_MS }, 'shutdown did not finish in time; exiting anyway');
        process.exit(1);
      }, STOP_DEADLINE_MS);
      deadline.unref();
      service.stop().then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err: String(err) }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
  } catch (err) {
    throw new Error(explainStartError(err, config), { cause: err });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
