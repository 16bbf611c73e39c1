import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OFFICER_FILE_RETENTION_MS, OfficerFiles } from '../../src/handoff/officerFiles.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});
const files = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pln123-officer-files-'));
  dirs.push(dir);
  return { dir, store: new OfficerFiles(path.join(dir, 'officer-files')) };
};
const pdf = { mimeType: 'application/pdf' as const, fileName: 'syarat.pdf', dataBase64: Buffer.from('%PDF-1.4 …').toString('base64') };

describe('OfficerFiles', () => {
  it('gives back the file and its caption as sent, readable by the service alone', async () => {
    const { dir, store } = files();
    await store.save(7, { file: pdf, caption: 'Syarat pendaftaran' });
    expect(await store.load(7)).toEqual({ file: pdf, caption: 'Syarat pendaftaran' });
    expect(fs.statSync(path.join(dir, 'officer-files', '7.json')).mode & 0o777).toBe(0o600);
    expect(await store.load(8)).toBeNull();
  });

  it('reads a file kept before captions were kept (the attachment alone) as sent without a caption', async () => {
    const { dir, store } = files();
    fs.mkdirSync(path.join(dir, 'officer-files'));
    fs.writeFileSync(path.join(dir, 'officer-files', '3.json'), JSON.stringify(pdf));
    expect(await store.load(3)).toEqual({ file: pdf, caption: '' });
  });

  it('a damaged or foreign file is none', async () => {
    const { dir, store } = files();
    fs.mkdirSync(path.join(dir, 'officer-files'));
    fs.writeFileSync(path.join(dir, 'officer-files', '4.json'), '{"file": {"mimeType": "image/jp');
    fs.writeFileSync(path.join(dir, 'officer-files', '5.json'), JSON.stringify({ file: { ...pdf, mimeType: 'text/html' }, caption: '' }));
    fs.writeFileSync(path.join(dir, 'officer-files', '6.json'), '[]');
    for (const id of [4, 5, 6]) expect(await store.load(id)).toBeNull();
  });

  it('deletes the files kept past their retention, and only those (and nothing else in the folder)', async () => {
    const { dir, store } = files();
    const now = Date.now();
    await store.save(1, { file: pdf, caption: 'lama' });
    await store.save(2, { file: pdf, caption: 'baru' });
    const folder = path.join(dir, 'officer-files');
    fs.writeFileSync(path.join(folder, 'README.txt'), 'not ours');
    const old = new Date(now - OFFICER_FILE_RETENTION_MS - 60_000);
    fs.utimesSync(path.join(folder, '1.json'), old, old);
    fs.utimesSync(path.join(folder, 'README.txt'), old, old);
    expect(await store.sweep(OFFICER_FILE_RETENTION_MS, now)).toBe(1);
    expect(await store.load(1)).toBeNull();
    expect(await store.load(2)).toEqual({ file: pdf, caption: 'baru' });
    expect(fs.existsSync(path.join(folder, 'README.txt'))).toBe(true);
    expect(await store.sweep(OFFICER_FILE_RETENTION_MS, now)).toBe(0);
  });

  it('sweeps nothing, without an error, before any file was kept', async () => {
    const { store } = files();
    expect(await store.sweep(OFFICER_FILE_RETENTION_MS)).toBe(0);
  });
});
