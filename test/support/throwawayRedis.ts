import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * A redis-server of its own (no persistence) on a given port, for tests that kill and restart
 * Redis: the shared Redis at REDIS_URL is never restarted. The binary is `redis-server` on PATH,
 * or REDIS_SERVER_BIN.
 */
export const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? 'redis-server';

export async function startRedisServer(port: number, extraArgs: string[] = []): Promise<ChildProcess> {
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start on ${port}:\n${output}`)), 10_000);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`cannot run ${REDIS_SERVER} (set REDIS_SERVER_BIN): ${error.message}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}:\n${output}`));
      });
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } catch (error) {
    await killRedisServer(child);
    throw error;
  }
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

/** SIGKILL (no shutdown, no save), and waits until the process is gone. */
export async function killRedisServer(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}
