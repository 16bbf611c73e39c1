/**
 * `npm run bench:compare -- <git ref>`: the turn benchmark of `npm run bench`, paired: this checkout
 * against an earlier commit, alternating, on SQLite and (with DATABASE_URL and REDIS_URL) on
 * PostgreSQL + Redis. A machine with shared cores drifts by ±20% between runs minutes apart, so one
 * run of each says little; rounds in ABBA order with the median of the paired ratios say whether a
 * change made the service slower.
 *
 * The earlier commit is checked out in a temporary git worktree (removed at the end) and installed
 * with `npm ci` there, unless its package-lock.json is this checkout's (then node_modules is linked).
 * Both are compiled (`tsconfig.build.json`) and run as deployed (`node dist/src/main.js`), each level
 * on a fresh database (a new DATA_DIR; a new PostgreSQL schema and Redis prefix).
 *
 * Printed per database and level: turns/s and the service's CPU ms per turn of each side (median of
 * the rounds), p99 per turn, and the median, lowest and highest of the per-round ratios (this checkout / base).
 * Settings: BENCH_ROUNDS (4; each round runs both sides, in alternating order), BENCH_SECONDS (10)
 * per level, BENCH_LEVELS ("16,64"), BENCH_WARMUP_SECONDS (3). About 1 minute per side and round.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bodyFactory, type BodyFactory } from './bench/application.js';
import { buildService, cleanUp, makeTempDir, removeTempDir, sleep, startChild, stopChild } from './bench/child.js';
import { runLevel } from './bench/loadGen.js';
import { createPgRedis, dropPgRedis } from './bench/pgRedis.js';
import { fmt, fmt2 } from './bench/report.js';
import { intSetting, levelsSetting } from './bench/settings.js';
import { RssSampler } from './bench/rss.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = intSetting('BENCH_ROUNDS', 4, 1, 50);
const SECONDS = intSetting('BENCH_SECONDS', 10, 1, 600);
const WARMUP_SECONDS = intSetting('BENCH_WARMUP_SECONDS', 3, 0, 60);
const LEVELS = levelsSetting('16,64');
const DATABASE_URL = process.env.DATABASE_URL?.trim() || undefined;
const REDIS_URL = process.env.REDIS_URL?.trim() || undefined;
const SERVICE_URL = 'http://127.0.0.1:9/';
const log = (line: string) => process.stderr.write(`${line}\n`);

type Side = 'base' | 'head';
type Backend = 'SQLite' | 'PostgreSQL + Redis';
interface Sample {
  side: Side;
  backend: Backend;
  concurrency: number;
  round: number;
  turnsPerSec: number;
  cpuMsPerTurn: number;
  p99Ms: number;
  errors: number;
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

/** The base commit in a temporary worktree, installed and compiled. */
function prepareBase(ref: string): { dir: string; remove: () => void } {
  const commit = git('rev-parse', '--verify', `${ref}^{commit}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pln123-bench-base-'));
  git('worktree', 'add', '--detach', dir, commit);
  const remove = () => {
    try {
      git('worktree', 'remove', '--force', dir);
    } catch {
      fs.rmSync(dir, { recursive: true, force: true });
      git('worktree', 'prune');
    }
  };
  try {
    const sameLock = fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8') === fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8');
    if (sameLock) fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    else {
      log(`bench:compare: npm ci in the worktree of ${commit.slice(0, 7)} (its package-lock.json differs)...`);
      const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' });
      if (npm.status !== 0) throw new Error(`npm ci failed for ${commit}:\n${npm.stdout}${npm.stderr}`);
    }
    buildService(dir);
    return { dir, remove };
  } catch (err) {
    remove();
    throw err;
  }
}


/** One side on one database: a fresh service, a warm-up, then each level. */
async function runSide(side: Side, dir: string, backend: Backend, round: number, factory: BodyFactory): Promise<Sample[]> {
  const dataDir = makeTempDir('pln123-bench-compare-');
  const env: Record<string, string> = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', OFFICER_HOURS: 'always' };
  if (backend !== 'SQLite') Object.assign(env, (await createPgRedis(DATABASE_URL!, REDIS_URL!)).env);
  const child = await startChild(`${side} (${backend})`, dir, 'dist/src/main.js', env);
  const label = `${side}-${backend === 'SQLite' ? 'sqlite' : 'pg'}-r${round}`;
  const url = `${child.base}/api/messages`;
  const samples: Sample[] = [];
  try {
    if (WARMUP_SECONDS > 0) await runLevel({ url, expect: 'dialog', factory, concurrency: Math.min(16, Math.max(...LEVELS)), durationMs: WARMUP_SECONDS * 1000, label: `${label}-warm` });
    for (const concurrency of LEVELS) {
      await sleep(500);
      const sampler = new RssSampler(child.pid);
      const result = await runLevel({ url, expect: 'dialog', factory, concurrency, durationMs: SECONDS * 1000, settleMs: 1000, onMeasureStart: () => sampler.startCpu(), label: `${label}-c${concurrency}` });
      const { cpuMs } = sampler.stop();
      const sample = { side, backend, concurrency, round, turnsPerSec: result.turnsPerSec, cpuMsPerTurn: cpuMs / result.turns, p99Ms: result.p99, errors: result.errors };
      log(`bench:compare: round ${round} ${side} ${backend} @${concurrency}: ${fmt(sample.turnsPerSec)} turns/s, ${fmt2(sample.cpuMsPerTurn)} ms CPU/turn, p99 ${fmt(sample.p99Ms)} ms, ${sample.errors} errors`);
      samples.push(sample);
    }
  } finally {
    await stopChild(child);
    removeTempDir(dataDir);
    if (backend !== 'SQLite') await dropPgRedis();
  }
  return samples;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function report(ref: string, samples: Sample[]): string {
  const pct = (r: number) => `${r >= 1 ? '+' : ''}${fmt(100 * (r - 1))}%`;
  const lines = [
    `Paired turn benchmark, this checkout (head, ${git('rev-parse', '--short', 'HEAD')}) against ${ref} (base): ${ROUNDS} rounds, ABBA order, ${SECONDS} s per level`,
    '',
    '| database | conversations | base turns/s | head turns/s | head/base turns/s: median (lowest…highest) | base CPU ms/turn | head CPU ms/turn | head/base CPU: median (lowest…highest) | base p99 ms | head p99 ms | head/base p99: median (lowest…highest) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const backends = [...new Set(samples.map((s) => s.backend))];
  for (const backend of backends) {
    for (const concurrency of LEVELS) {
      const of = (side: Side) => samples.filter((s) => s.backend === backend && s.concurrency === concurrency && s.side === side).sort((a, b) => a.round - b.round);
      const base = of('base');
      const head = of('head');
      const tput = head.map((h, i) => h.turnsPerSec / base[i]!.turnsPerSec);
      const cpu = head.map((h, i) => h.cpuMsPerTurn / base[i]!.cpuMsPerTurn);
      const p99 = head.map((h, i) => h.p99Ms / base[i]!.p99Ms);
      const ratios = (r: number[]) => `${pct(median(r))} (${pct(Math.min(...r))}…${pct(Math.max(...r))})`;
      lines.push(
        `| ${backend} | ${concurrency} | ${fmt(median(base.map((s) => s.turnsPerSec)))} | ${fmt(median(head.map((s) => s.turnsPerSec)))} | ` +
          `${pct(median(tput))} (${pct(Math.min(...tput))}…${pct(Math.max(...tput))}) | ` +
          `${fmt2(median(base.map((s) => s.cpuMsPerTurn)))} | ${fmt2(median(head.map((s) => s.cpuMsPerTurn)))} | ${ratios(cpu)} | ` +
          `${fmt(median(base.map((s) => s.p99Ms)))} | ${fmt(median(head.map((s) => s.p99Ms)))} | ${ratios(p99)} |`,
      );
    }
  }
  const errors = samples.reduce((n, s) => n + s.errors, 0);
  lines.push('', `Errors (unexpected replies or failed requests): ${errors}. ${os.cpus().length} CPUs, node ${process.version}, load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}.`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const ref = process.argv[2];
  if (!ref) throw new Error('usage: npm run bench:compare -- <git ref to compare with>');
  const backends: Backend[] = DATABASE_URL && REDIS_URL ? ['SQLite', 'PostgreSQL + Redis'] : ['SQLite'];
  if (backends.length === 1) log('bench:compare: DATABASE_URL/REDIS_URL unset, SQLite only');
  const base = prepareBase(ref);
  removeBase = base.remove;
  const samples: Sample[] = [];
  try {
    buildService(ROOT);
    const factory = await bodyFactory(SERVICE_URL);
    for (let round = 1; round <= ROUNDS; round++) {
      // ABBA: the side that runs first alternates, so a drift of the machine falls on both alike.
      const order: Array<[Side, string]> = round % 2 ? [['base', base.dir], ['head', ROOT]] : [['head', ROOT], ['base', base.dir]];
      for (const backend of backends) for (const [side, dir] of order) samples.push(...(await runSide(side, dir, backend, round, factory)));
    }
    console.log(report(ref, samples));
    if (samples.some((s) => s.errors > 0)) process.exitCode = 1;
  } finally {
    await cleanUp();
    await dropPgRedis().catch((err: unknown) => log(`bench:compare: could not drop the schema: ${String(err)}`));
    base.remove();
    removeBase = () => undefined;
  }
}

let removeBase = (): void => undefined;

const onSignal = (signal: NodeJS.Signals) => {
  log(`bench:compare: ${signal}, stopping the children...`);
  void cleanUp()
    .then(() => dropPgRedis())
    .catch(() => undefined)
    .finally(() => {
      removeBase();
      process.exit(130);
    });
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
