import { describe, expect, it } from 'vitest';
import { isPublicHttpUrl, PhotoPipeline } from '../../src/media/index.js';
import { tempDir } from '../dialogs/harness.js';

describe('photo URL policy', () => {
  it.each([
    ['https://cdn.example.com/a.jpg', true],
    ['http://93.184.216.34/a.jpg', true],
    ['http://127.0.0.1:8080/a.jpg', false],
    ['http://localhost/a.jpg', false],
    ['http://10.1.2.3/a.jpg', false],
    ['http://172.20.0.1/a.jpg', false],
    ['http://192.168.1.1/a.jpg', false],
    ['http://169.254.169.254/latest/meta-data', false],
    ['http://[::1]/a.jpg', false],
    ['http://[fd00::1]/a.jpg', false],
    ['http://[::ffff:127.0.0.1]/a.jpg', false],
    ['file:///etc/passwd', false],
    ['http://metadata.google.internal/', false],
  ])('%s -> %s', (url, expected) => {
    expect(isPublicHttpUrl(new URL(url))).toBe(expected);
  });

  it('makes the pipeline refuse a disallowed URL without fetching it', async () => {
    const photos = new PhotoPipeline({ dir: tempDir(), allowUrl: isPublicHttpUrl });
    await expect(photos.ingest({ kind: 'url', url: 'http://127.0.0.1:1/x.jpg' })).rejects.toMatchObject({ code: 'downloadFailed' });
    await expect(photos.ingest({ kind: 'url', url: 'not a url' })).rejects.toMatchObject({ code: 'downloadFailed' });
  });
});
