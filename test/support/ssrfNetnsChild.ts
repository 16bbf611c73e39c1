/**
 * The SSRF scenarios that need addresses a test must not send packets to from the host (cloud
 * metadata, TEST-NET, NAT64, carrier-grade NAT, a "public" address): run by
 * test/channels/e2e/mediaSsrf.netns.e2e.test.ts inside a network namespace it created, where those
 * addresses are on the loopback interface and resolv.conf points at a DNS server started here.
 * A canary on port 80 of every local address stands for the internal services; the real service
 * runs against the fake Graph. Prints one line: `RESULTS <json>` (see SsrfScenarioResult).
 */
import fs from 'node:fs';
import path from 'node:path';
import { t } from '../../src/i18n/messages.js';
import { BotClient } from '../http/botClient.js';
import { startCanary, type CanaryHit } from './canary.js';
import { startFakeGraph, startMetaService } from './metaService.js';
import { answerUpToPhoto, MetaUser, texts } from './metaUser.js';
import { productJpeg } from './photos.js';
import { startTinyDns } from './tinyDns.js';

export interface SsrfScenarioResult {
  name: string;
  /** What the applicant was told in answer to the photo. */
  replies: string[];
  /** Requests the canary received during the scenario. */
  hits: CanaryHit[];
  /** Photo files stored during the scenario. */
  stored: number;
}

const METADATA = '/latest/meta-data/iam/security-credentials/';

const photo = await productJpeg(1000, 800);
const dns = await startTinyDns({
  'metadata.ssrf.test': [['169.254.169.254']],
  'public.ssrf.test': [['93.184.216.34']],
  // One public and one private address: refused as a whole, whichever a connection would pick.
  'mixed.ssrf.test': [['93.184.216.34', '10.0.0.1']],
  // DNS rebinding: public on the first query, loopback on every later one.
  'rebind.ssrf.test': [['93.184.216.34'], ['127.0.0.1']],
});
const canary = await startCanary(photo, { host: '::', port: 80 });
const graph = await startFakeGraph();
const run = await startMetaService(graph);
const photosDir = path.join(run.dataDir, 'photos');
const storedCount = () => (fs.existsSync(photosDir) ? fs.readdirSync(photosDir).length : 0);

const results: SsrfScenarioResult[] = [];
let seq = 0;

async function scenario(name: string, send: () => Promise<string[]>): Promise<void> {
  const hits = canary.hits.length;
  const stored = storedCount();
  const replies = await send();
  results.push({ name, replies, hits: canary.hits.slice(hits), stored: storedCount() - stored });
}

async function metaUser(channel: 'whatsapp' | 'messenger'): Promise<MetaUser> {
  seq++;
  const user = new MetaUser(run, graph, channel, channel === 'whatsapp' ? `62813700000${String(seq).padStart(2, '0')}` : `24007700000000${String(seq).padStart(4, '0')}`);
  await answerUpToPhoto(user);
  return user;
}

/** WhatsApp: Graph answers a media URL on its own origin that redirects to `target`. */
const waRedirect = (target: string) => async () => {
  const user = await metaUser('whatsapp');
  return texts(await user.sendImageFrom(graph.addRedirect(`/redirect/${seq}`, target)));
};

/** Bot Framework (no app id): an attachment at `url`. */
const botFramework = (url: string) => async () => {
  const user = new BotClient(run.url);
  for (const text of ['daftar seller', 'Budi Santoso', 'Toko Budi Jaya', 'kerajinan rotan', 'kepanjen', 'jawa timur', '081234567890', 'budi.santoso@gmail.com']) await user.say(text);
  return user.say('', { attachments: [{ contentType: 'image/jpeg', contentUrl: url, name: 'produk.jpg' }] });
};

try {
  await scenario('whatsapp: media URL at 169.254.169.254', async () => texts(await (await metaUser('whatsapp')).sendImageFrom(`http://169.254.169.254${METADATA}`)));
  await scenario('whatsapp: redirect to 169.254.169.254', waRedirect(`http://169.254.169.254${METADATA}`));
  await scenario('whatsapp: redirect to [::ffff:a9fe:a9fe]', waRedirect(`http://[::ffff:a9fe:a9fe]${METADATA}`));
  await scenario('whatsapp: redirect to NAT64 [64:ff9b::a9fe:a9fe]', waRedirect(`http://[64:ff9b::a9fe:a9fe]${METADATA}`));
  await scenario('whatsapp: redirect to TEST-NET-1 192.0.2.1', waRedirect('http://192.0.2.1/internal'));
  await scenario('whatsapp: redirect to carrier-grade NAT 100.64.0.1', waRedirect('http://100.64.0.1/internal'));
  await scenario('whatsapp: redirect to 127.0.0.1:80', waRedirect('http://127.0.0.1/internal'));
  await scenario('whatsapp: a name resolving to 169.254.169.254', async () => texts(await (await metaUser('whatsapp')).sendImageFrom(`http://metadata.ssrf.test${METADATA}`)));
  await scenario('messenger: CDN URL at 169.254.169.254', async () => texts(await (await metaUser('messenger')).sendImageFrom(`http://169.254.169.254${METADATA}`)));
  await scenario('bot framework: attachment at 169.254.169.254', botFramework(`http://169.254.169.254${METADATA}`));
  await scenario('bot framework: a name resolving to a public and a private address', botFramework('http://mixed.ssrf.test/photo.jpg'));
  await scenario('bot framework: attachment on a public name', botFramework('http://public.ssrf.test/photo.jpg'));
  await scenario('bot framework: DNS rebinding (public, then 127.0.0.1)', botFramework('http://rebind.ssrf.test/photo.jpg'));
  process.stdout.write(`RESULTS ${JSON.stringify({ results, received: t('id', 'seller.photo.received'), rebindQueries: dns.queries.get('rebind.ssrf.test') ?? 0 })}\n`);
} finally {
  await run.stop();
  await Promise.all([graph.close(), canary.close(), dns.close()]);
  fs.rmSync(run.dataDir, { recursive: true, force: true });
}
