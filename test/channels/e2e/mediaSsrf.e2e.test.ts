import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../../src/i18n/messages.js';
import { BotClient } from '../../http/botClient.js';
import { startCanary, type Canary } from '../../support/canary.js';
import type { FakeGraph } from '../../support/fakeGraph.js';
import { META, startFakeGraph, startMetaService, type RunningService } from '../../support/metaService.js';
import { answerUpToPhoto, MetaUser, texts } from '../../support/metaUser.js';
import { productJpeg } from '../../support/photos.js';

/**
 * The photo download's SSRF guard through the real service, on loopback: the fake Graph is the
 * configured GRAPH_API_BASE_URL, `mediaHost` an origin MEDIA_ALLOWED_ORIGINS names, and `canary`
 * an internal service on another port of 127.0.0.1 that nothing allows. Media URLs pointing or
 * redirecting at the canary are refused: it sees no request, nothing is stored, the applicant is
 * asked for the photo again. Cloud metadata, TEST-NET and NAT64 targets: mediaSsrf.netns.e2e.test.ts.
 */

let graph: FakeGraph;
let run: RunningService;
let canary: Canary;
let mediaHost: Canary;
let seq = 0;

beforeAll(async () => {
  const photo = await productJpeg(1000, 800);
  [graph, canary, mediaHost] = await Promise.all([startFakeGraph(), startCanary(photo), startCanary(photo)]);
  run = await startMetaService(graph, undefined, { MEDIA_ALLOWED_ORIGINS: mediaHost.base });
});
afterAll(async () => {
  await run.stop();
  await Promise.all([graph.close(), canary.close(), mediaHost.close()]);
  fs.rmSync(run.dataDir, { recursive: true, force: true });
});

const storedPhotos = () => {
  const dir = path.join(run.dataDir, 'photos');
  return fs.existsSync(dir) ? fs.readdirSync(dir).length : 0;
};

async function atPhotoQuestion(channel: 'whatsapp' | 'messenger'): Promise<MetaUser> {
  seq++;
  const id = channel === 'whatsapp' ? `62813900000${String(seq).padStart(2, '0')}` : `24009900000000${String(seq).padStart(4, '0')}`;
  const user = new MetaUser(run, graph, channel, id);
  expect(await answerUpToPhoto(user)).toEqual([user.said('seller.photo.questionRequired')]);
  return user;
}

/** Sends the image at `url`; expects the polite refusal, no request at the canary and nothing stored. */
async function refused(user: MetaUser, url: string): Promise<void> {
  const before = { hits: canary.hits.length, stored: storedPhotos() };
  expect(texts(await user.sendImageFrom(url))).toEqual([user.said('seller.photo.errors.downloadFailed')]);
  expect(canary.hits.slice(before.hits)).toEqual([]);
  expect(storedPhotos()).toBe(before.stored);
}

describe('photo download SSRF guard, end to end (loopback)', () => {
  it('WhatsApp: a media URL Graph answers on another port of 127.0.0.1 gets no request and no token', async () => {
    const user = await atPhotoQuestion('whatsapp');
    await refused(user, `${canary.base}/internal/admin`);
  });

  it('WhatsApp: a media URL redirecting from the Graph origin (two hops) to another port of 127.0.0.1 is refused', async () => {
    const user = await atPhotoQuestion('whatsapp');
    const second = graph.addRedirect(`/redirect/${seq}/b`, `${canary.base}/internal/admin`);
    const first = graph.addRedirect(`/redirect/${seq}/a`, second);
    await refused(user, first);
    // Both hops on the Graph origin were requested (with the token: it is the Graph API), the canary never.
    expect(graph.requests.filter((r) => r.path.startsWith(`/redirect/${seq}/`)).map((r) => r.path)).toEqual([`/redirect/${seq}/a`, `/redirect/${seq}/b`]);
  });

  it('WhatsApp: media from an origin MEDIA_ALLOWED_ORIGINS names is stored, and the token is not sent there', async () => {
    const user = await atPhotoQuestion('whatsapp');
    const replies = texts(await user.sendImageFrom(`${mediaHost.base}/media/photo.jpg`));
    expect(replies[0]).toBe(t('id', 'seller.photo.received'));
    expect(mediaHost.hits.at(-1)).toMatchObject({ path: '/media/photo.jpg', authorization: undefined });
    // The token did go to the Graph API for the media lookup.
    expect(graph.requests.findLast((r) => r.method === 'GET' && r.path.startsWith(`/${META.graphVersion}/`))?.headers.authorization).toBe(`Bearer ${META.whatsappToken}`);
  });

  it('Messenger: a CDN URL on another port of 127.0.0.1 is refused; a CDN file on the fake Graph is still stored', async () => {
    const user = await atPhotoQuestion('messenger');
    await refused(user, `${canary.base}/cdn/x.jpg`);
    const replies = texts(await user.sendImage(await productJpeg(900, 700)));
    expect(replies[0]).toBe(t('id', 'seller.photo.received'));
  });

  it('Bot Framework: an attachment URL on 127.0.0.1 is refused, also without an app id (local use)', async () => {
    const user = new BotClient(run.url);
    await user.say('daftar seller');
    let last: string[] = [];
    for (const answer of ['Budi Santoso', 'Toko Budi Jaya', 'kerajinan rotan', 'kepanjen', 'jawa timur', '081234567890', 'budi.santoso@gmail.com']) last = await user.say(answer);
    expect(last).toEqual([t('id', 'seller.photo.questionOptional')]);
    const before = { hits: canary.hits.length, stored: storedPhotos() };
    const replies = await user.say('', { attachments: [{ contentType: 'image/jpeg', contentUrl: `${canary.base}/internal/photo.jpg`, name: 'produk.jpg' }] });
    expect(replies).toEqual([t('id', 'seller.photo.errors.downloadFailed')]);
    expect(canary.hits.slice(before.hits)).toEqual([]);
    expect(storedPhotos()).toBe(before.stored);
  });
});
