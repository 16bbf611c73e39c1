import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphClient } from '../../../src/channels/meta/graphClient.js';
import { codeOf, serveBytes, startServer } from '../../media/mediaTestHelpers.js';

/**
 * Media downloads through the Graph client: the access token goes to the Graph API's origin (and
 * Meta's media host) only; media from elsewhere is fetched without it, and only from origins the
 * guard lets through.
 */

const MB = 1024 * 1024;
let graph: Awaited<ReturnType<typeof startServer>>;
let media: Awaited<ReturnType<typeof startServer>>;
let stranger: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  [graph, media, stranger] = await Promise.all([startServer(), startServer(), startServer()]);
  for (const s of [graph, media, stranger]) s.route('/photo.jpg', serveBytes(Buffer.from('jpeg bytes')));
});
afterAll(async () => {
  await Promise.all([graph.close(), media.close(), stranger.close()]);
});

const client = () => new GraphClient({ baseUrl: graph.base, version: 'v25.0', accessToken: 'EAAG-secret', mediaAllowedOrigins: [media.base] });
const authOf = (s: typeof graph, path: string) => s.requests.findLast((r) => r.path === path)?.headers.authorization;

describe('GraphClient.download', () => {
  it('sends the token to the Graph origin', async () => {
    expect((await client().download(`${graph.base}/photo.jpg`, MB, { withToken: true })).toString()).toBe('jpeg bytes');
    expect(authOf(graph, '/photo.jpg')).toBe('Bearer EAAG-secret');
  });

  it('never sends the token to another origin, even one allowed for media', async () => {
    expect((await client().download(`${media.base}/photo.jpg`, MB, { withToken: true })).toString()).toBe('jpeg bytes');
    expect(media.requests.findLast((r) => r.path === '/photo.jpg')).toBeDefined();
    expect(authOf(media, '/photo.jpg')).toBeUndefined();
  });

  it('does not carry the token past a redirect from the Graph origin to another one', async () => {
    graph.route('/moved.jpg', (_req, res) => res.writeHead(302, { location: `${media.base}/photo.jpg` }).end());
    const before = media.requests.length;
    expect((await client().download(`${graph.base}/moved.jpg`, MB, { withToken: true })).toString()).toBe('jpeg bytes');
    expect(authOf(graph, '/moved.jpg')).toBe('Bearer EAAG-secret');
    expect(media.requests.length).toBe(before + 1);
    expect(authOf(media, '/photo.jpg')).toBeUndefined();
  });

  it('sends no request at all to a loopback origin nothing allows', async () => {
    const before = stranger.requests.length;
    expect(await codeOf(client().download(`${stranger.base}/photo.jpg`, MB, { withToken: true }))).toBe('downloadFailed');
    expect(stranger.requests.length).toBe(before);
  });

  it('sends no token when asked not to (Messenger and Instagram CDN files)', async () => {
    graph.route('/cdn.jpg', serveBytes(Buffer.from('cdn bytes')));
    expect((await client().download(`${graph.base}/cdn.jpg`, MB, { withToken: false })).toString()).toBe('cdn bytes');
    expect(authOf(graph, '/cdn.jpg')).toBeUndefined();
  });
});
