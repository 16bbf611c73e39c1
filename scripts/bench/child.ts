/**
 * Child processes of the benchmark (the service, the bare-Express ceiling): started on a free
 * port of 127.0.0.1, awaited until `GET /readyz` answers 200, and always stopped with SIGTERM,
 * then SIGKILL when they do not exit in time. Every started child is tracked, so `stopAll` in a
 * `finally` leaves nothing behind even when the run fails half-way. Temporary directories too.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  base: string;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  exited: Promise<number | string | null>;
  stderr(): string;
}

const running = new Set<Child>();

/** Starts `node <script>` (a .js file) or `node --import tsx <script>` (TypeScript) in `cwd` with `env` (plus PATH, HOME, PORT, HOST); waits until it is ready. */
export async function startChild(name: string, cwd: string, script: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<Child> {
  const port = await freePort();
  // Compiled JavaScript runs as deployed (`npm start`); TypeScript through tsx.
  const loader = script.endsWith('.js') ? [] : ['--import', 'tsx'];
  const proc = spawn(process.execPath, [...nodeArgs, ...loader, script], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), NODE_ENV: 'production', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (proc.pid === undefined) throw new Error(`${name}: could not start ${script}`);
  let err = '';
  proc.stderr?.on('data', (c: Buffer) => {
    err = (err + c.toString()).slice(-4000);
  });
  const exited = new Promise<number | string | null>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal)));
  const child: Child = { name, proc, pid: proc.pid, base: `http://127.0.0.1:${port}`, exited, stderr: () => err };
  running.add(child);
  void exited.then(() => running.delete(child));
  await waitReady(child);
  return child;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (or 'SIGKILL' when it had to be killed). */
export async function stopChild(child: Child, graceMs = 10_000): Promise<number | string | null> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return child.proc.exitCode ?? child.proc.signalCode;
  child.proc.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([child.exited, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)))]);
  clearTimeout(timer);
  if (code !== 'timeout') return code;
  child.proc.kill('SIGKILL');
  await child.exited;
  return 'SIGKILL';
}

/** Stops every child still running (for `finally`). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((c) => stopChild(c, 5_000)));
}

async function waitReady(child: Child): Promise<void> {
  let dead: number | string | null | undefined;
  void child.exited.then((code) => (dead = code));
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    if (dead !== undefined) throw new Error(`${child.name} exited (${String(dead)}) before it was ready:\n${child.stderr()}`);
    try {
      const res = await fetch(`${child.base}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await stopChild(child, 2_000);
  throw new Error(`${child.name} was not ready within 60 s:\n${child.stderr()}`);
}

const tempDirs = new Set<string>();

/** A new directory under the system's temporary directory, removed by `removeTempDir` or `cleanUp`. */
export function makeTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** Stops every child still running, then removes every temporary directory (for `finally` and signals). */
export async function cleanUp(): Promise<void> {
  await stopAll();
  for (const dir of [...tempDirs]) removeTempDir(dir);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = http.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Compiles the service in `dir` as `npm run build` does (`tsconfig.build.json` to dist/), with that checkout's TypeScript; returns the seconds it took. */
export function buildService(dir: string): number {
  const started = performance.now();
  const tsc = createRequire(path.join(dir, 'package.json')).resolve('typescript/bin/tsc');
  const built = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: dir, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`npm run build failed in ${dir}:\n${built.stdout}${built.stderr}`);
  return (performance.now() - started) / 1000;
}
