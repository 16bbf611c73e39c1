import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The service as a child process (`node --import tsx src/main.ts`, as scripts/bench.ts runs it),
 * for fault tests that must kill it for real (SIGKILL: no shutdown hook runs). Every child started
 * here is tracked, so `stopAllChildren()` in an `afterAll` leaves nothing behind, also when a test
 * failed half-way.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

export interface ServiceChild {
  readonly url: string;
  readonly pid: number;
  readonly proc: ChildProcess;
  /** The pino JSON lines the child wrote on stdout so far (non-JSON lines are kept as `{ raw }`). */
  logs(): Array<Record<string, unknown>>;
  /** The last few KB of stderr (for error messages). */
  stderr(): string;
  /** SIGKILL, and waits until the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful stop), then SIGKILL after `graceMs`; resolves with the exit code or signal. */
  stop(graceMs?: number): Promise<number | string | null>;
}

const running = new Set<ServiceChild>();

const gone = (proc: ChildProcess) => proc.exitCode !== null || proc.signalCode !== null;

/**
 * Starts the service with exactly `env` (plus PATH and HOME; nothing else of this process's
 * environment leaks in, so an unset DATABASE_URL stays unset) on a free port of 127.0.0.1, and
 * waits until `GET /readyz` answers 200.
 */
export async function startServiceChild(env: Record<string, string | undefined>, opts: { readyTimeoutMs?: number } = {}): Promise<ServiceChild> {
  const port = await freePort();
  const childEnv: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir() };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
  childEnv.PORT = String(port);
  childEnv.HOST = '127.0.0.1';
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  if (proc.pid === undefined) throw new Error('could not start the service');
  const exited = new Promise<number | string | null>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal)));
  const lines: Array<Record<string, unknown>> = [];
  let partial = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    partial += chunk.toString('utf8');
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      if (!line.trim()) continue;
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ raw: line });
      }
    }
  });
  let err = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString('utf8')).slice(-8000);
  });
  const child: ServiceChild = {
    url: `http://127.0.0.1:${port}`,
    pid: proc.pid,
    proc,
    logs: () => [...lines],
    stderr: () => err,
    async kill() {
      if (!gone(proc)) proc.kill('SIGKILL');
      await exited;
    },
    async stop(graceMs = 10_000) {
      if (gone(proc)) return proc.exitCode ?? proc.signalCode;
      proc.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([exited, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)))]);
      clearTimeout(timer);
      if (code !== 'timeout') return code;
      proc.kill('SIGKILL');
      await exited;
      return 'SIGKILL';
    },
  };
  running.add(child);
  void exited.then(() => running.delete(child));

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (gone(proc)) throw new Error(`the service exited (${String(proc.exitCode ?? proc.signalCode)}) before it was ready:\n${err}`);
    try {
      const res = await fetch(`${child.url}/readyz`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await child.kill();
      throw new Error(`the service was not ready within ${opts.readyTimeoutMs ?? 30_000} ms:\n${err}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Kills every child started here that is still running (for `afterAll`). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map((c) => c.stop(5_000)));
}
