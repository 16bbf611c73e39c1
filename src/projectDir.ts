import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A folder at the top of the project (locales/, nlu/, flows/), found from the module asking
 * (`import.meta.url`): its directory and each one above it, the first holding `<folder>/<marker>`.
 * The same from source (tsx, vitest: src/…) and compiled (npm start: dist/src/…).
 */
export function projectDir(folder: string, marker: string, moduleUrl: string): string {
  const from = path.dirname(fileURLToPath(moduleUrl));
  for (let dir = from; ; ) {
    const candidate = path.join(dir, folder);
    if (fs.existsSync(path.join(candidate, marker))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`${folder}/${marker} not found above ${from}`);
    dir = parent;
  }
}
