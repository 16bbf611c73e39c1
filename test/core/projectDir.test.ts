import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { projectDir } from '../../src/projectDir.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('projectDir', () => {
  it('finds a top-level folder from a module under src/ and under dist/src/ alike', () => {
    for (const module of ['src/i18n/messages.ts', 'dist/src/i18n/messages.js', 'src/channels/whatsapp/flows/sellerFlow.ts']) {
      const url = pathToFileURL(path.join(ROOT, module)).href;
      expect(projectDir('locales', 'id.json', url)).toBe(path.join(ROOT, 'locales'));
      expect(projectDir('flows', 'seller-application.json', url)).toBe(path.join(ROOT, 'flows'));
    }
  });

  it('says which file it looked for when no folder above holds it', () => {
    expect(() => projectDir('locales', 'xx.json', pathToFileURL(path.join(ROOT, 'src/projectDir.ts')).href)).toThrow(/locales\/xx\.json not found above/);
  });
});
