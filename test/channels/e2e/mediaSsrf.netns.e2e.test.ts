import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../../src/i18n/messages.js';
import type { SsrfScenarioResult } from '../../support/ssrfNetnsChild.js';

/**
 * The photo download's SSRF guard against cloud metadata (169.254.169.254, also as
 * [::ffff:a9fe:a9fe], as NAT64 [64:ff9b::a9fe:a9fe] and behind a host name), TEST-NET and
 * carrier-grade NAT addresses, and DNS rebinding. No packet may go to those addresses from the
 * host, so this creates a network namespace (root and iproute2 needed) in which they are local
 * addresses served by a canary, with its own resolv.conf (ip netns exec mounts /etc/netns/<ns>/),
 * and runs the scenarios there in a child process (test/support/ssrfNetnsChild.ts).
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const NS = `pln123-ssrf-${process.pid}`;
const ETC = `/etc/netns/${NS}`;
const LOCAL_ADDRESSES = ['169.254.169.254/32', '192.0.2.1/32', '100.64.0.1/32', '93.184.216.34/32', '64:ff9b::a9fe:a9fe/128'];
const canCreateNamespaces = process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;
// Said out loud, so a green run without root is not mistaken for coverage (CI runs as root).
if (!canCreateNamespaces) console.warn('SKIPPED: photo download SSRF guard in a network namespace: needs root and iproute2 (ip netns)');

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
}

function runChild(): Promise<{ results: SsrfScenarioResult[]; received: string; rebindQueries: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', NS, process.execPath, '--import', 'tsx', 'test/support/ssrfNetnsChild.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('RESULTS '));
      if (code !== 0 || !line) reject(new Error(`namespace child exited ${code}: ${err}`));
      else resolve(JSON.parse(line.slice('RESULTS '.length)) as { results: SsrfScenarioResult[]; received: string; rebindQueries: number });
    });
  });
}

describe.skipIf(!canCreateNamespaces)('photo download SSRF guard in a network namespace (metadata, TEST-NET, NAT64, rebinding)', () => {
  let outcome: Awaited<ReturnType<typeof runChild>>;
  let createdEtcNetns = false;
  const result = (name: string): SsrfScenarioResult => {
    const found = outcome.results.find((r) => r.name === name);
    if (!found) throw new Error(`no scenario ${name}`);
    return found;
  };

  beforeAll(async () => {
    ip('netns', 'add', NS);
    ip('-n', NS, 'link', 'set', 'lo', 'up');
    for (const address of LOCAL_ADDRESSES) ip('-n', NS, 'addr', 'add', address, 'dev', 'lo');
    createdEtcNetns = !fs.existsSync('/etc/netns');
    fs.mkdirSync(ETC, { recursive: true });
    fs.writeFileSync(path.join(ETC, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
    fs.writeFileSync(path.join(ETC, 'hosts'), '127.0.0.1 localhost\n::1 localhost\n');
    fs.writeFileSync(path.join(ETC, 'nsswitch.conf'), 'hosts: files dns\n');
    outcome = await runChild();
  }, 120_000);

  afterAll(() => {
    spawnSync('ip', ['netns', 'del', NS]);
    fs.rmSync(ETC, { recursive: true, force: true });
    if (createdEtcNetns && fs.existsSync('/etc/netns') && fs.readdirSync('/etc/netns').length === 0) fs.rmdirSync('/etc/netns');
  });

  it.each([
    'whatsapp: media URL at 169.254.169.254',
    'whatsapp: redirect to 169.254.169.254',
    'whatsapp: redirect to [::ffff:a9fe:a9fe]',
    'whatsapp: redirect to NAT64 [64:ff9b::a9fe:a9fe]',
    'whatsapp: redirect to TEST-NET-1 192.0.2.1',
    'whatsapp: redirect to carrier-grade NAT 100.64.0.1',
    'whatsapp: redirect to 127.0.0.1:80',
    'whatsapp: a name resolving to 169.254.169.254',
    'messenger: CDN URL at 169.254.169.254',
    'bot framework: attachment at 169.254.169.254',
    'bot framework: a name resolving to a public and a private address',
  ])('%s: refused, no request (so no token), nothing stored, the applicant asked again', (name) => {
    const r = result(name);
    expect(r.hits).toEqual([]);
    expect(r.stored).toBe(0);
    expect(r.replies).toEqual([t('id', 'seller.photo.errors.downloadFailed')]);
  });

  it('a public host name is still fetched and the photo stored', () => {
    const r = result('bot framework: attachment on a public name');
    expect(r.replies[0]).toBe(outcome.received);
    expect(r.hits.map((h) => h.local)).toEqual(['::ffff:93.184.216.34']);
  });

  it('DNS rebinding: the connection goes to the address that was checked, never to the one a second lookup gives', () => {
    const r = result('bot framework: DNS rebinding (public, then 127.0.0.1)');
    expect(r.hits.map((h) => h.local)).toEqual(['::ffff:93.184.216.34']);
    expect(r.replies[0]).toBe(outcome.received);
    expect(outcome.rebindQueries).toBe(1);
  });
});
