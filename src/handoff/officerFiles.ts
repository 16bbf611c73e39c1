import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import { sniffImageFormat } from '../media/sniffImageFormat.js';
import type { OutboundAttachment } from '../core/outbound.js';

/** The largest file an officer may send: WhatsApp's limit for images (documents may be larger elsewhere). */
export const OFFICER_FILE_MAX_BYTES = 5 * 1024 * 1024;

export type OfficerFileProblem = 'unsupported_file' | 'too_large';

/**
 * How long a file an officer sent is kept for a resend: a day past the longest window Meta lets a
 * reply reach a customer in (Messenger's HUMAN_AGENT tag, 7 days; WhatsApp's 24 hours).
 */
export const OFFICER_FILE_RETENTION_MS = 8 * 24 * 60 * 60 * 1000;

/**
 * A file an officer chose, read by its bytes (never by its name or declared type): a JPEG or PNG
 * photo, re-encoded so none of its metadata (camera, place) reaches the customer, or a PDF as it is.
 */
export async function readOfficerFile(bytes: Buffer, fileName: string): Promise<OutboundAttachment | OfficerFileProblem> {
  if (bytes.length === 0) return 'unsupported_file';
  if (bytes.length > OFFICER_FILE_MAX_BYTES) return 'too_large';
  const name = safeName(fileName);
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return { mimeType: 'application/pdf', fileName: ensureExtension(name, '.pdf'), dataBase64: bytes.toString('base64') };
  const format = sniffImageFormat(bytes);
  if (format !== 'jpeg' && format !== 'png') return 'unsupported_file';
  try {
    const clean = await sharp(bytes, { limitInputPixels: 40_000_000 }).rotate()[format]().toBuffer();
    return { mimeType: format === 'png' ? 'image/png' : 'image/jpeg', fileName: ensureExtension(name, format === 'png' ? '.png' : '.jpg'), dataBase64: clean.toString('base64') };
  } catch {
    return 'unsupported_file';
  }
}

/** Letters, digits, dots, dashes, underscores and spaces only; at most 80 characters; never empty. */
function safeName(fileName: string): string {
  const cleaned = path.basename(fileName.normalize('NFC')).replace(/[^\p{L}\p{N}._ -]/gu, '_').trim().slice(-80);
  return cleaned.replace(/^\.+/, '') || 'berkas';
}

function ensureExtension(name: string, ext: string): string {
  return name.toLowerCase().endsWith(ext) || (ext === '.jpg' && /\.jpe?g$/i.test(name)) ? name : `${name}${ext}`;
}

const attachmentSchema = z.object({
  mimeType: z.enum(['image/jpeg', 'image/png', 'application/pdf']),
  fileName: z.string().min(1),
  dataBase64: z.string().min(1),
});
const sentFileSchema = z.object({ file: attachmentSchema, caption: z.string() });

/** A file an officer sent, with the caption that went with it. */
export interface SentFile {
  file: OutboundAttachment;
  caption: string;
}

/**
 * The files officers sent, kept by their transcript line (`<id>.json`) so a failed send can be
 * sent again with one click. Plain files under DATA_DIR: small, written once, read on a resend.
 */
export class OfficerFiles {
  constructor(private readonly dir: string) {}

  async save(entryId: number, sent: SentFile): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    await fs.writeFile(path.join(this.dir, `${entryId}.json`), JSON.stringify(sent), { mode: 0o600 });
  }

  /**
   * The file sent on that line, or null (none kept, or not readable). A file kept by a build from
   * before captions were kept with it holds the attachment alone: it is sent again without one.
   */
  async load(entryId: number): Promise<SentFile | null> {
    let json: unknown;
    try {
      json = JSON.parse(await fs.readFile(path.join(this.dir, `${entryId}.json`), 'utf8'));
    } catch {
      return null;
    }
    const sent = sentFileSchema.safeParse(json);
    if (sent.success) return sent.data;
    const bare = attachmentSchema.safeParse(json);
    return bare.success ? { file: bare.data, caption: '' } : null;
  }

  /**
   * Deletes the files kept longer than `maxAgeMs` (by when they were written): a customer's photo
   * or document is not kept past the time a resend could still reach them (Meta's windows end
   * after at most 7 days). Returns how many were deleted; a file that vanished meanwhile is not an error.
   */
  async sweep(maxAgeMs: number, now = Date.now()): Promise<number> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    let deleted = 0;
    for (const name of names) {
      if (!/^\d+\.json$/.test(name)) continue;
      const file = path.join(this.dir, name);
      try {
        if (now - (await fs.stat(file)).mtimeMs <= maxAgeMs) continue;
        await fs.unlink(file);
        deleted++;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    return deleted;
  }
}
