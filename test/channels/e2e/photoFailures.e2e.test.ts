import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripBoldMarkers } from '../../../src/channels/messenger/messengerPayloads.js';
import { t } from '../../../src/i18n/messages.js';
import { largeBody, type FakeGraph } from '../../support/fakeGraph.js';
import { startFakeGraph, startMetaService, type RunningService } from '../../support/metaService.js';
import { answerUpToPhoto, MetaUser, texts } from '../../support/metaUser.js';
import { jpegWithGps, pdfBytes, png20000, productJpeg } from '../../support/photos.js';

/**
 * Bad photos through the channels, end to end: each is refused with its own message, the photo
 * question stays open (a good photo right after is accepted), and an accepted photo is stored
 * without its metadata.
 */

const MB = 1024 * 1024;
let graph: FakeGraph;
let run: RunningService;
let good: Buffer;
let seq = 0;

beforeAll(async () => {
  graph = await startFakeGraph();
  run = await startMetaService(graph);
  good = await productJpeg(1000, 800);
});
afterAll(async () => {
  await run.stop();
  await graph.close();
  fs.rmSync(run.dataDir, { recursive: true, force: true });
});

/** A fresh user at the photo question. */
async function atPhotoQuestion(channel: 'whatsapp' | 'messenger' | 'instagram'): Promise<MetaUser> {
  seq++;
  const id = channel === 'whatsapp' ? `62813000000${String(seq).padStart(2, '0')}` : `${channel === 'messenger' ? '2400' : '1780'}00000000${String(seq).padStart(4, '0')}`;
  const user = new MetaUser(run, graph, channel, id);
  expect(await answerUpToPhoto(user)).toEqual([user.said('seller.photo.questionRequired')]);
  return user;
}

/** The question is still open: a good photo now is accepted and leads to the summary. */
async function goodPhotoAccepted(user: MetaUser): Promise<void> {
  const replies = texts(await user.sendImage(good));
  expect(replies[0]).toBe(t('id', 'seller.photo.received'));
  expect(replies[1]).toContain(t('id', 'seller.summary.intro'));
}

describe('photo failures through the channels', () => {
  it('WhatsApp: a 30 MB download with no declared size is cut off at the cap (far fewer bytes sent) -> tooLarge', async () => {
    const user = await atPhotoQuestion('whatsapp');
    const body = largeBody(30 * MB);
    expect(texts(await user.sendImage(body, 'image/jpeg', { fileSize: null }))).toEqual([t('id', 'seller.photo.errors.tooLarge')]);
    await body.ended;
    expect(body.abortedRequests).toBe(1);
    expect(body.completedRequests).toBe(0);
    // The client stopped reading just past the 10 MB cap; only socket buffers beyond that left the server.
    expect(body.bytesWritten).toBeGreaterThan(10 * MB);
    expect(body.bytesWritten).toBeLessThan(16 * MB);
    await goodPhotoAccepted(user);
  });

  it('WhatsApp: a 30 MB medium whose size the Graph API declares is refused without downloading it', async () => {
    const user = await atPhotoQuestion('whatsapp');
    const body = largeBody(30 * MB, { declareLength: true });
    const before = graph.requests.length;
    expect(texts(await user.sendImage(body, 'image/jpeg'))).toEqual([t('id', 'seller.photo.errors.tooLarge')]);
    expect(body.bytesWritten).toBe(0);
    expect(graph.requests.slice(before).filter((r) => r.path.startsWith('/media/'))).toEqual([]);
    await goodPhotoAccepted(user);
  });

  it('Messenger: a 30 MB CDN file streamed without Content-Length is cut off at the cap -> tooLarge', async () => {
    const user = await atPhotoQuestion('messenger');
    const body = largeBody(30 * MB);
    expect(texts(await user.sendImage(body))).toEqual([t('id', 'seller.photo.errors.tooLarge')]);
    await body.ended;
    expect(body.abortedRequests).toBe(1);
    expect(body.bytesWritten).toBeLessThan(16 * MB);
    await goodPhotoAccepted(user);
  });

  it('a PDF sent as an image is "not a photo"; any document or file is asked for as a photo, never downloaded, on WhatsApp and Instagram', async () => {
    const user = await atPhotoQuestion('whatsapp');
    expect(texts(await user.sendImage(pdfBytes(), 'image/jpeg'))).toEqual([t('id', 'seller.photo.errors.notImage')]);
    expect(texts(await user.sendImage(pdfBytes(), 'application/pdf', { asDocument: true }))).toEqual([t('id', 'media.photoStep.document'), t('id', 'seller.photo.questionRequired')]);
    expect(texts(await user.sendImage(await productJpeg(), 'image/jpeg', { asDocument: true }))[0]).toBe(t('id', 'media.photoStep.document'));
    await goodPhotoAccepted(user);

    const ig = await atPhotoQuestion('instagram');
    expect(texts(await ig.sendImage(pdfBytes(), 'image/jpeg'))).toEqual([t('id', 'seller.photo.errors.notImage')]);
    expect(texts(await ig.sendImage(pdfBytes(), 'application/pdf', { asDocument: true }))[0]).toBe(stripBoldMarkers(t('id', 'media.photoStep.document')));
    await goodPhotoAccepted(ig);
  });

  it('a real 20000x20000 PNG is refused as too many pixels, before decoding', async () => {
    const png = await png20000();
    expect(png.length).toBeLessThan(10 * MB);
    const user = await atPhotoQuestion('whatsapp');
    const started = Date.now();
    expect(texts(await user.sendImage(png, 'image/png'))).toEqual([t('id', 'seller.photo.errors.tooManyPixels')]);
    expect(Date.now() - started).toBeLessThan(3000);
    await goodPhotoAccepted(user);
  }, 30_000);

  it('the third refused photo in a row also offers an officer', async () => {
    const user = await atPhotoQuestion('messenger');
    expect(texts(await user.sendImage(pdfBytes()))).toEqual([t('id', 'seller.photo.errors.notImage')]);
    expect(texts(await user.sendImage(pdfBytes()))).toEqual([t('id', 'seller.photo.errors.notImage')]);
    expect(texts(await user.sendImage(pdfBytes()))).toEqual([t('id', 'seller.photo.errors.notImage'), user.said('seller.offerOfficer')]);
    await goodPhotoAccepted(user);
  });

  it('a photo with GPS EXIF is accepted and stored without any EXIF', async () => {
    const withGps = await jpegWithGps();
    expect((await sharp(withGps).metadata()).exif).toBeDefined();
    const user = await atPhotoQuestion('whatsapp');
    const replies = texts(await user.sendImage(withGps));
    expect(replies[0]).toBe(t('id', 'seller.photo.received'));
    const snap = await run.service.engine.peek(`whatsapp:${user.userId}`);
    const stored = snap?.context.application?.photo;
    expect(stored?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const file = path.join(run.dataDir, 'photos', `${stored!.sha256}.jpg`);
    const bytes = fs.readFileSync(file);
    const meta = await sharp(bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect([meta.width, meta.height]).toEqual([800, 600]);
    expect(bytes.includes('TestPhoneMaker')).toBe(false);
    expect(bytes.includes('Exif\0')).toBe(false);
  });
});
