/**
 * What `npm run bench` prints: the box table of the small benchmarks, and the Markdown table of
 * the turn benchmark with the targets and PASS/FAIL per target.
 */
import os from 'node:os';
import type { LevelResult } from './loadGen.js';

export interface Row {
  name: string;
  value: string;
}

export const fmt = (n: number): string => (Number.isFinite(n) ? (Math.round(n * 10) / 10).toFixed(1) : 'n/a');

export const fmt2 = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

export function printTable(rows: Row[]): void {
  const w = Math.max(...rows.map((r) => r.name.length), 'benchmark'.length);
  const v = Math.max(...rows.map((r) => r.value.length), 'result'.length);
  const line = `+-${'-'.repeat(w)}-+-${'-'.repeat(v)}-+`;
  console.log(line);
  console.log(`| ${'benchmark'.padEnd(w)} | ${'result'.padEnd(v)} |`);
  console.log(line);
  for (const r of rows) console.log(`| ${r.name.padEnd(w)} | ${r.value.padEnd(v)} |`);
  console.log(line);
}

/** The machine, and its load average when the run began and now (other work on it skews every number). */
export function machineLine(loadAtStart: number[]): string {
  const load = (l: number[]) => l.map((n) => n.toFixed(2)).join(' ');
  return `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ${os.platform()} ${os.arch()}; load average ${load(loadAtStart)} at the start, ${load(os.loadavg())} at the end`;
}

/** One measured level: the load generator's numbers plus the server's memory and what was stored. */
export interface Measured extends LevelResult {
  target: string;
  stored: string;
  peakRssMb: number;
  /** CPU time of the server process (all threads) per turn, and in cores over the level. */
  serverCpuMsPerTurn: number;
  serverCores: number;
  /** CPU of this process (the load generator) over the level, in cores. */
  generatorCores: number;
  ceilingTurnsPerSec?: number;
}

export function levelLine(m: Measured): string {
  const ratio = m.ceilingTurnsPerSec ? `, ${fmt((100 * m.turnsPerSec) / m.ceilingTurnsPerSec)}% of ceiling` : '';
  return (
    `${m.target} @${m.concurrency}: ${fmt(m.turnsPerSec)} turns/s, p50 ${fmt(m.p50)} ms, p99 ${fmt(m.p99)} ms, max ${fmt(m.max)} ms, ` +
    `${m.applications} applications, ${m.errors} errors, peak RSS ${fmt(m.peakRssMb)} MB, ` +
    `server CPU ${fmt2(m.serverCores)} cores (${fmt2(m.serverCpuMsPerTurn)} ms/turn), load generator ${fmt2(m.generatorCores)} cores${ratio}`
  );
}

export function markdownTable(levels: Measured[]): string {
  const head =
    '| server | stored conversations | concurrent conversations | turns/s | p50 ms | p99 ms | max ms | applications | errors | peak RSS MB | server CPU ms/turn | server / load-gen CPU (cores) | vs ceiling |';
  const sep = '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const rows = levels.map(
    (m) =>
      `| ${m.target} | ${m.stored} | ${m.concurrency} | ${fmt(m.turnsPerSec)} | ${fmt(m.p50)} | ${fmt(m.p99)} | ${fmt(m.max)} | ${m.applications} | ${m.errors} | ${fmt(m.peakRssMb)} | ${fmt2(m.serverCpuMsPerTurn)} | ${fmt2(m.serverCores)} / ${fmt2(m.generatorCores)} | ${
        m.ceilingTurnsPerSec ? `${fmt((100 * m.turnsPerSec) / m.ceilingTurnsPerSec)}%` : '—'
      } |`,
  );
  return [head, sep, ...rows].join('\n');
}

export interface TargetCheck {
  target: string;
  measured: string;
  pass: boolean;
}

export function targetsTable(checks: TargetCheck[]): string {
  return ['| target | measured | result |', '|---|---|---|', ...checks.map((c) => `| ${c.target} | ${c.measured} | ${c.pass ? 'PASS' : 'FAIL'} |`)].join('\n');
}
