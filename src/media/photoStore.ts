import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { NormalizedPhoto, StoredPhoto } from './photoTypes.js';

const STORED_NAME = /^[0-9a-f]{64}(?:\.thumb)?\.(?:jpg|webp)$/;

/**
 * Content-addressed photo files under one directory: `<sha256>.jpg` and `<sha256>.thumb.jpg`
 * (or `.webp`), the hash being that of the stored photo's bytes. Each file is written to a
 * temporary name, flushed and renamed, so a reader never sees half a file; storing the same photo
 * again finds the files and writes nothing.
 */
export class PhotoStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  async save(photo: NormalizedPhoto, originalBytes: number): Promise<StoredPhoto> {
    const sha256 = createHash('sha256').update(photo.data).digest('hex');
    const ext = photo.mimeType === 'image/webp' ? 'webp' : 'jpg';
    const fileName = `${sha256}.${ext}`;
    const thumbnailFileName = `${sha256}.thumb.${ext}`;
    await fs.mkdir(this.dir, { recursive: true });
    // Thumbnail first: once the photo exists, its thumbnail does too.
    await this.writeOnce(thumbnailFileName, photo.thumbnail);
    await this.writeOnce(fileName, photo.data);
    return {
      sha256,
      bytes: photo.data.length,
      width: photo.width,
      height: photo.height,
      mimeType: photo.mimeType,
      fileName,
      thumbnailFileName,
      originalBytes,
    };
  }

  /** Absolute path of a stored file; throws on anything but `<hex>.(jpg|webp)` or its `.thumb` variant. */
  pathOf(fileName: string): string {
    if (!STORED_NAME.test(fileName)) throw new Error(`Not a stored photo file name: ${JSON.stringify(fileName)}`);
    return path.join(this.dir, fileName);
  }

  private async writeOnce(fileName: string, data: Buffer): Promise<void> {
    const target = this.pathOf(fileName);
    const existing = await fs.stat(target).catch(() => undefined);
    if (existing?.isFile() && existing.size === data.length) return;

    const temp = path.join(this.dir, `.${fileName}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const handle = await fs.open(temp, 'wx', 0o644);
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(temp, target);
    } catch (err) {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      throw err;
    }
  }
}
