import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { nluDataDir } from './corpus.js';

/** Model files kept in one cache directory; older ones are removed (a corpus edit leaves its old models behind). */
const KEEP_FILES = 6;
const PREFIX = 'nlpjs-';

/**
 * Trained models kept on disk under a key of what they were trained from, so that a start reads
 * the model instead of training it again. Training the two nlp.js networks took 2–4 s of CPU at
 * every start of the service (and of every test file that runs the dialog), and left tens of
 * megabytes of garbage in the heap when the service said it was ready.
 *
 * Written by hand: nlp.js exports and imports a trained model but keeps nothing by its inputs; the
 * key (see `modelKey`) is what makes a stale model impossible to load.
 *
 * Writes go to a temporary file renamed into place, so a reader (another test worker, another
 * instance on the same tree) sees a whole file or none. A directory that cannot be written is not
 * an error: the model is trained, and trained again at the next start.
 */
export class ModelCache {
  /** `onWriteError`: told (once per cache) why a model could not be kept. */
  constructor(
    readonly dir: string,
    private readonly onWriteError?: (err: unknown) => void,
  ) {}

  private writeFailed = false;

  /**
   * The default place: `node_modules/.cache/pln123-nlu` beside the `nlu/` folder, the conventional
   * place for what is derived from an installed tree (its models change only with its code and
   * corpus).
   */
  static beside(onWriteError?: (err: unknown) => void): ModelCache {
    return new ModelCache(path.join(path.dirname(nluDataDir()), 'node_modules', '.cache', 'pln123-nlu'), onWriteError);
  }

  /** The model stored under `key`, or undefined. */
  read(key: string): string | undefined {
    try {
      return fs.readFileSync(this.file(key), 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Stores `model` under `key`; false when the directory cannot be written (nothing is kept). */
  write(key: string, model: string): boolean {
    const target = this.file(key);
    const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      fs.writeFileSync(temporary, model);
      fs.renameSync(temporary, target);
      this.prune(target);
      return true;
    } catch (err) {
      try {
        fs.rmSync(temporary, { force: true });
      } catch {
        // Not even that path exists: nothing was written.
      }
      if (!this.writeFailed) this.onWriteError?.(err);
      this.writeFailed = true;
      return false;
    }
  }

  /** Removes all but the newest KEEP_FILES models (never `kept`). */
  private prune(kept: string): void {
    const models = fs
      .readdirSync(this.dir)
      .filter((name) => name.startsWith(PREFIX) && name.endsWith('.json'))
      .map((name) => path.join(this.dir, name))
      .filter((file) => file !== kept)
      .map((file) => ({ file, at: fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
      .sort((a, b) => b.at - a.at);
    for (const { file } of models.slice(KEEP_FILES - 1)) fs.rmSync(file, { force: true });
  }

  private file(key: string): string {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error('model cache keys are SHA-256 hex digests');
    return path.join(this.dir, `${PREFIX}${key}.json`);
  }
}

/**
 * The key of a model: a SHA-256 over everything its training depends on — the training examples
 * as given (already normalised, so a change to the normaliser changes the key), the versions of
 * the libraries that train it, and `recipe`, which names how the trainer is set up and must change
 * whenever that code does.
 */
export function modelKey(recipe: string, libraries: Readonly<Record<string, string>>, examples: ReadonlyArray<{ text: string; label: string }>): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ recipe, libraries }));
  for (const { text, label } of examples) hash.update(`${JSON.stringify([label, text])}\n`);
  return hash.digest('hex');
}
