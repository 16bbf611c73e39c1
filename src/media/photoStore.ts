import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_PHOTO_LIMITS, type NormalizedPhoto, type PhotoLimits, type StoredPhoto } from './photoTypes.js';
import { makeThumbnail } from './thumbnail.js';

const STORED_NAME = /^[0-9a-f]{64}(?:\.thumb)?\.(?:jpg|webp)$/;
const THUMBNAIL_NAME = /^([0-9a-f]{64})\.thumb\.(jpg|webp)$/;

/**
 * Content-addressed photo files under one directory: `<sha256>.jpg` and `<sha256>.thumb.jpg`
 * (or `.webp`), the hash being that of the stored photo's bytes. Each file is written to a
 * temporary name and renamed, so a reader never sees half a file. Storing the same photo again
 * finds the photo and writes nothing. The thumbnail is made from the stored photo the first time
 * it is asked for (`servePath`, when an officer opens the conversation), not when the photo is
 * stored: that keeps a decode and an encode off the applicant's turn, for the few photos an
 * officer ever looks at.
 *
 * The files are not synced to disk one by one: like the database (SQLite's `synchronous=NORMAL`),
 * they survive the process dying, and an operating-system crash may lose the last moments of
 * both. Syncing every photo cost two disk flushes and, with the other file steps, a dozen waits
 * for the event loop per photo, which under load made the photo turn the slowest by far.
 */
export class PhotoStore {
  readonly dir: string;
  private ready: Promise<unknown> | null = null;
  /** Thumbnails being made, by file name: two requests for the same one make it once. */
  private readonly making = new Map<string, Promise<string | null>>();

  constructor(
    dir: string,
    private readonly limits: Pick<PhotoLimits, 'thumbnailEdge' | 'maxInputPixels'> = DEFAULT_PHOTO_LIMITS,
  ) {
    this.dir = path.resolve(dir);
  }

  async save(photo: NormalizedPhoto, originalBytes: number): Promise<StoredPhoto> {
    const sha256 = createHash('sha256').update(photo.data).digest('hex');
    const ext = photo.mimeType === 'image/webp' ? 'webp' : 'jpg';
    const fileName = `${sha256}.${ext}`;
    const thumbnailFileName = `${sha256}.thumb.${ext}`;
    const existing = await fs.stat(this.pathOf(fileName)).catch(() => undefined);
    if (!(existing?.isFile() && existing.size === photo.data.length)) await this.write([[fileName, photo.data]]);
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

  /**
   * Absolute path of a stored file to serve, or null when there is no such file (not a stored
   * photo's name, or its photo is gone). A thumbnail that is not there yet is made from its photo
   * first (once, however many ask at the same time); throws when that fails (a PhotoError when the
   * photo does not decode).
   */
  async servePath(fileName: string): Promise<string | null> {
    if (!STORED_NAME.test(fileName)) return null;
    const file = this.pathOf(fileName);
    const thumbnail = THUMBNAIL_NAME.exec(fileName);
    if (!thumbnail || (await fs.stat(file).catch(() => undefined))?.isFile()) return file;
    let making = this.making.get(fileName);
    if (!making) {
      const [, sha256, ext] = thumbnail;
      making = this.makeThumbnailFile(fileName, `${sha256}.${ext}`, ext === 'jpg').finally(() => this.making.delete(fileName));
      this.making.set(fileName, making);
    }
    return making;
  }

  private async makeThumbnailFile(thumbnailFileName: string, photoFileName: string, jpeg: boolean): Promise<string | null> {
    const photo = await fs.readFile(this.pathOf(photoFileName)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (!photo) return null;
    const thumbnail = await makeThumbnail(photo, jpeg, this.limits);
    await this.write([[thumbnailFileName, thumbnail.data]]);
    return this.pathOf(thumbnailFileName);
  }

  /** Writes the files to temporary names side by side, then renames them in the order given. */
  private async write(files: Array<[string, Buffer]>): Promise<void> {
    this.ready ??= fs.mkdir(this.dir, { recursive: true });
    await this.ready.catch(() => undefined);
    const temps = files.map(([fileName]) => path.join(this.dir, `.${fileName}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`));
    try {
      const written = await Promise.allSettled(files.map(([, data], i) => this.writeNew(temps[i]!, data)));
      const failed = written.find((w) => w.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
      for (const [i, [fileName]] of files.entries()) await fs.rename(temps[i]!, this.pathOf(fileName));
    } catch (err) {
      await Promise.all(temps.map((temp) => fs.rm(temp, { force: true }).catch(() => undefined)));
      throw err;
    }
  }

  /** Creates `temp` with `data`; the directory is made again if it went away (removed by hand). */
  private async writeNew(temp: string, data: Buffer): Promise<void> {
    try {
      await fs.writeFile(temp, data, { flag: 'wx', mode: 0o644 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await fs.mkdir(this.dir, { recursive: true });
      await fs.writeFile(temp, data, { flag: 'wx', mode: 0o644 });
    }
  }
}
