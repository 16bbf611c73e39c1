/**
 * `npm run officer -- <command>` (the compiled dist/scripts/officer.js, after `npm run build`): manages the agent-console accounts in the
 * service's database: PostgreSQL when DATABASE_URL is set (migrated: `npm run migrate`), else the
 * SQLite database under DATA_DIR, as the service reads them.
 *
 *   npm run officer -- add <username> --name "Display Name" [--supervisor]
 *   npm run officer -- supervisor <username> on|off
 *   npm run officer -- passwd <username>
 *   npm run officer -- remove <username>
 *   npm run officer -- list
 *
 * The password is never taken from the command line (it would land in the shell history and the
 * process list): on a terminal it is asked twice without echo; piped, the first line of stdin is
 * used as it is (only the line break is dropped), e.g. `printf '%s\n' "$PW" | npm run officer -- add andi --name Andi`.
 * Changing a password or removing an account also signs that officer out everywhere.
 * Exit status 1 on any error (bad usage, weak password, existing or unknown account).
 */
import readline from 'node:readline';
import { Writable } from 'node:stream';
import { loadConfig } from '../src/config.js';
import { createHandoffStores, type HandoffStores } from '../src/handoff/handoffStores.js';
import { OfficerError, PASSWORD_MIN } from '../src/handoff/officerStore.js';
import { openDatabase } from '../src/composition/storage.js';

const USAGE = `Usage:
  npm run officer -- add <username> --name "Display Name" [--supervisor]
  npm run officer -- supervisor <username> on|off
  npm run officer -- passwd <username>
  npm run officer -- remove <username>
  npm run officer -- list`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    if (command === undefined) process.exitCode = 1;
    return;
  }
  const { positional, name, supervisor } = parseArgs(rest);
  const { officers, sessions, close } = openStores();
  try {
    switch (command) {
      case 'add': {
        const username = onlyUsername(positional);
        if (name === undefined) throw new UsageError('add needs --name "Display Name".');
        const officer = await officers.create({ username, displayName: name, password: await readPassword(), supervisor });
        console.log(`Added ${officer.supervisor ? 'supervisor' : 'officer'} ${officer.username} (${officer.displayName}).`);
        break;
      }
      case 'supervisor': {
        const [username, setting] = positional;
        if (positional.length !== 2 || username === undefined || (setting !== 'on' && setting !== 'off')) throw new UsageError('supervisor needs a username and on or off.');
        await officers.setSupervisor(username, setting === 'on');
        console.log(`${username.trim().toLowerCase()} ${setting === 'on' ? 'may now' : 'may no longer'} open the supervisor view.`);
        break;
      }
      case 'passwd': {
        const username = onlyUsername(positional).trim().toLowerCase();
        const officer = await officers.get(username);
        if (!officer) throw new OfficerError('notFound', `No officer named "${username}".`);
        await officers.setPassword(officer.username, await readPassword());
        const ended = await sessions.destroyAllOf(officer.username);
        console.log(`Password of ${officer.username} changed; ${ended} session(s) signed out.`);
        break;
      }
      case 'remove': {
        const username = onlyUsername(positional).trim().toLowerCase();
        if (!(await officers.remove(username))) throw new OfficerError('notFound', `No officer named "${username}".`);
        const ended = await sessions.destroyAllOf(username);
        console.log(`Removed officer ${username}; ${ended} session(s) signed out.`);
        break;
      }
      case 'list': {
        if (positional.length > 0 || name !== undefined) throw new UsageError('list takes no arguments.');
        const all = await officers.list();
        if (all.length === 0) console.log('No officer accounts.');
        const width = Math.max(8, ...all.map((o) => o.username.length));
        for (const o of all) console.log(`${o.username.padEnd(width)}  ${o.displayName}${o.supervisor ? '  (supervisor)' : ''}`);
        break;
      }
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } finally {
    await close();
  }
}

/** The accounts in PostgreSQL when DATABASE_URL is set (shared by every instance), else in SQLite under DATA_DIR. */
function openStores(): HandoffStores & { close(): Promise<void> } {
  const { database, close } = openDatabase(loadConfig(), { applicationName: 'pln123-officer', max: 2 });
  return { ...createHandoffStores(database), close };
}

function parseArgs(args: string[]): { positional: string[]; name: string | undefined; supervisor: boolean } {
  const positional: string[] = [];
  let name: string | undefined;
  let supervisor = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--name') {
      name = args[++i];
      if (name === undefined) throw new UsageError('--name needs a value.');
    } else if (arg.startsWith('--name=')) {
      name = arg.slice('--name='.length);
    } else if (arg === '--supervisor') {
      supervisor = true;
    } else if (arg.startsWith('-')) {
      throw new UsageError(`Unknown option "${arg}" (passwords are read from stdin, never from arguments).`);
    } else {
      positional.push(arg);
    }
  }
  return { positional, name, supervisor };
}

function onlyUsername(positional: string[]): string {
  if (positional.length !== 1 || positional[0] === undefined) throw new UsageError('Give exactly one username.');
  return positional[0];
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const line = await firstLine();
    if (line === null) throw new Error('No password on stdin (pipe it as the first line).');
    return line;
  }
  console.log(`Password of at least ${PASSWORD_MIN} characters (not shown while typing).`);
  const first = await promptHidden('Password: ');
  const again = await promptHidden('Repeat password: ');
  if (first !== again) throw new Error('The passwords do not match.');
  return first;
}

async function firstLine(): Promise<string | null> {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  try {
    for await (const line of rl) return line;
    return null;
  } finally {
    rl.close();
  }
}

/** One answer on the terminal with echo off: readline writes through a stream that swallows the typing. */
function promptHidden(prompt: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      if (!muted) process.stdout.write(chunk);
      callback();
    },
  });
  const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve, reject) => {
    rl.on('SIGINT', () => {
      rl.close();
      process.stdout.write('\n');
      reject(new Error('Cancelled.'));
    });
    rl.question(prompt, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    // question() has written the prompt synchronously; from here on only the typing remains.
    muted = true;
  });
}

main(process.argv.slice(2)).catch((err: unknown) => {
  // PostgreSQL's undefined_table: the schema was never migrated.
  if ((err as { code?: unknown }).code === '42P01') console.error('Error: the database has no officer tables yet; run `npm run migrate` first.');
  else console.error(`Error: ${err instanceof Error ? err.message : String(err)}`);
  if (err instanceof UsageError) console.error(USAGE);
  process.exitCode = 1;
});
