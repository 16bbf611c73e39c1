import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema } from '../storage/schema.js';

/** An officer (agent) account as the console and the queue see it; never carries the password hash. */
export interface Officer {
  username: string;
  displayName: string;
  /** Present (true) for officers who may open the supervisor view. */
  supervisor?: true;
}

/** Why an account could not be created or changed; `message` is plain English, fit for the command line. */
export class OfficerError extends Error {
  constructor(
    readonly code: 'invalidUsername' | 'invalidDisplayName' | 'weakPassword' | 'exists' | 'notFound',
    message: string,
  ) {
    super(message);
    this.name = 'OfficerError';
  }
}

/** Lower-case only, so `Andi` and `andi` can never be two accounts. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,31}$/;
/** Password length bounds in UTF-16 units; the upper one also caps the work a login can ask of scrypt. */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;
/** Longest display name, as shown to customers and colleagues. */
export const DISPLAY_NAME_MAX = 64;

interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** OWASP's minimum for scrypt; about 50 ms and 16 MiB per hash, so a login cannot be brute-forced cheaply. */
const PARAMS: ScryptParams = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 64;
const SALT_BYTES = 16;

const toOfficer = (r: { username: string; display_name: string; supervisor?: boolean | number }): Officer => ({
  username: r.username,
  displayName: r.display_name,
  ...(r.supervisor ? { supervisor: true as const } : {}),
});

/** Trimmed and lower-cased, as stored; sign-in accepts any case. */
const normalizeUsername = (username: string): string => username.trim().toLowerCase();

/**
 * The officers who may sign in to the agent console, in the `officers` table (SQLite, or
 * PostgreSQL shared by every instance). Passwords are kept only as salted scrypt hashes, computed
 * off the event loop (libuv's thread pool) so a login never stalls the bot. A disabled account (the
 * `disabled` column, set by hand) keeps its name taken but cannot sign in and is neither listed nor
 * found.
 */
export class OfficerStore {
  constructor(private readonly db: Kysely<Schema>) {
    // Made now rather than on the first unknown name, whose answer would otherwise take twice as long.
    void dummyHash();
  }

  /** Adds an account; throws OfficerError (invalidUsername, invalidDisplayName, weakPassword, exists). */
  async create(input: { username: string; displayName: string; password: string; supervisor?: boolean }, now = new Date()): Promise<Officer> {
    const username = normalizeUsername(input.username);
    if (!USERNAME_PATTERN.test(username)) {
      throw new OfficerError('invalidUsername', "Invalid username: use 3 to 32 characters (a-z, 0-9, '.', '_', '-'), starting with a letter or digit.");
    }
    const displayName = input.displayName.trim();
    if (displayName.length < 1 || displayName.length > DISPLAY_NAME_MAX) {
      throw new OfficerError('invalidDisplayName', `Invalid display name: use 1 to ${DISPLAY_NAME_MAX} characters.`);
    }
    checkPassword(input.password);
    if (await this.find(username, true)) throw exists(username);
    const passwordHash = await hashPassword(input.password);
    // Another process may have added the same name while we were hashing: the insert says so.
    const { numInsertedOrUpdatedRows } = await this.db
      .insertInto('officers')
      .values({ username, display_name: displayName, password_hash: passwordHash, created_at: now.toISOString(), supervisor: input.supervisor === true })
      .onConflict((oc) => oc.column('username').doNothing())
      .executeTakeFirst();
    if (!numInsertedOrUpdatedRows) throw exists(username);
    return toOfficer({ username, display_name: displayName, supervisor: input.supervisor === true });
  }

  /** Lets an officer open the supervisor view, or not; throws OfficerError (notFound). */
  async setSupervisor(username: string, supervisor: boolean): Promise<void> {
    const name = normalizeUsername(username);
    const { numUpdatedRows } = await this.db.updateTable('officers').set({ supervisor }).where('username', '=', name).executeTakeFirst();
    if (!numUpdatedRows) throw notFound(name);
  }

  /** Replaces an account's password; throws OfficerError (weakPassword, notFound). Sessions are the caller's to end. */
  async setPassword(username: string, password: string): Promise<void> {
    checkPassword(password);
    const name = normalizeUsername(username);
    if (!(await this.find(name, true))) throw notFound(name);
    const password_hash = await hashPassword(password);
    const { numUpdatedRows } = await this.db.updateTable('officers').set({ password_hash }).where('username', '=', name).executeTakeFirst();
    if (!numUpdatedRows) throw notFound(name);
  }

  /** Deletes an account; false when there was none. */
  async remove(username: string): Promise<boolean> {
    const { numDeletedRows } = await this.db.deleteFrom('officers').where('username', '=', normalizeUsername(username)).executeTakeFirst();
    return numDeletedRows > 0n;
  }

  /** The enabled accounts, by username. */
  async list(): Promise<Officer[]> {
    const rows = await this.db.selectFrom('officers').select(['username', 'display_name', 'supervisor']).where('disabled', '=', false).execute();
    // Byte order, as SQLite sorts, whatever PostgreSQL's locale: the few rows are sorted here
    // rather than under a collation each database names differently.
    return rows.sort((a, b) => (a.username < b.username ? -1 : 1)).map(toOfficer);
  }

  /** An enabled account, or null. */
  async get(username: string): Promise<Officer | null> {
    const row = await this.find(normalizeUsername(username), false);
    return row ? toOfficer(row) : null;
  }

  /**
   * The officer when the password is right, else null. Unknown, malformed and disabled usernames
   * still cost one scrypt against a dummy hash, so the answer time does not tell which names exist.
   */
  async verify(username: string, password: string): Promise<Officer | null> {
    const name = normalizeUsername(username);
    const row = USERNAME_PATTERN.test(name) && password.length <= PASSWORD_MAX ? await this.find(name, false) : null;
    if (!row) {
      await verifyPassword(password.slice(0, PASSWORD_MAX), await dummyHash());
      return null;
    }
    return (await verifyPassword(password, row.password_hash)) ? toOfficer(row) : null;
  }

  /** The account of a normalized username, or null; a disabled one only with `includeDisabled`. */
  private async find(username: string, includeDisabled: boolean) {
    const row = await this.db.selectFrom('officers').select(['username', 'display_name', 'password_hash', 'disabled', 'supervisor']).where('username', '=', username).executeTakeFirst();
    return row && (includeDisabled || !row.disabled) ? row : null;
  }
}

const exists = (username: string) => new OfficerError('exists', `An officer named "${username}" already exists.`);
const notFound = (username: string) => new OfficerError('notFound', `No officer named "${username}".`);

function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN) throw new OfficerError('weakPassword', `Password too short: use at least ${PASSWORD_MIN} characters.`);
  if (password.length > PASSWORD_MAX) throw new OfficerError('weakPassword', `Password too long: use at most ${PASSWORD_MAX} characters.`);
}

function scrypt(password: string, salt: Buffer, keyLength: number, { N, r, p }: ScryptParams): Promise<Buffer> {
  // Node refuses above 32 MiB by default; allow what the (bounded) parameters need.
  const maxmem = 256 * N * r * p + 1024 * 1024;
  return new Promise((resolve, reject) => {
    crypto.scrypt(password.normalize('NFC'), salt, keyLength, { N, r, p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$N$r$p$<salt b64>$<hash b64>`: the parameters travel with the hash, so they can be raised later. */
async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, KEY_LENGTH, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return false;
  const params = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  // Bounds keep a damaged row from asking for gigabytes of memory.
  const sane = params.N >= 2 && params.N <= 2 ** 20 && (params.N & (params.N - 1)) === 0 && params.r >= 1 && params.r <= 32 && params.p >= 1 && params.p <= 16;
  const expected = Buffer.from(m[5] ?? '', 'base64');
  if (!sane || expected.length < 16 || expected.length > 128) return false;
  const actual = await scrypt(password, Buffer.from(m[4] ?? '', 'base64'), expected.length, params);
  return crypto.timingSafeEqual(actual, expected);
}

let dummy: Promise<string> | undefined;

/** A hash of a random password, made once per process, for the unknown-user path. */
function dummyHash(): Promise<string> {
  dummy ??= hashPassword(crypto.randomBytes(18).toString('base64'));
  return dummy;
}
