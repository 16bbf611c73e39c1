import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema } from '../storage/pgTestSchema.js';

/**
 * A production install runs what `npm run build` compiled, with production dependencies only:
 * `npm start` and the operator's scripts (`officer`, `migrate`, `dead-letters`) are plain `node`
 * on the build, never tsx or tsc (dev dependencies, absent after `npm ci --omit=dev`). The build
 * goes to `.build-test/` (beside `dist/`, at the same depth, so it finds locales, migrations and
 * the console files as `dist/` does), and is run from there.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.join(ROOT, '.build-test');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function jsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? jsFiles(path.join(dir, e.name)) : e.name.endsWith('.js') ? [path.join(dir, e.name)] : []));
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

describe('the production build', () => {
  beforeAll(() => {
    fs.rmSync(OUT, { recursive: true, force: true });
    const tsc = createRequire(path.join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
    const built = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', OUT], { cwd: ROOT, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`build failed:\n${built.stdout}${built.stderr}`);
  }, 180_000);
  afterAll(() => fs.rmSync(OUT, { recursive: true, force: true }));

  it('is what npm start and the operator scripts run, with node alone', () => {
    expect(pkg.scripts.start).toBe('node dist/src/main.js');
    expect(pkg.scripts.officer).toBe('node dist/scripts/officer.js');
    expect(pkg.scripts.migrate).toBe('node dist/scripts/migrate.js');
    expect(pkg.scripts['dead-letters']).toBe('node dist/scripts/deadLetters.js');
    for (const file of ['src/main.js', 'scripts/officer.js', 'scripts/migrate.js', 'scripts/deadLetters.js']) expect(fs.existsSync(path.join(OUT, file)), file).toBe(true);
  });

  it('imports only production dependencies and Node built-ins at run time', () => {
    const needed = new Set<string>();
    for (const file of jsFiles(OUT)) {
      const code = fs.readFileSync(file, 'utf8');
      for (const m of code.matchAll(/(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm)) {
        const specifier = m[1] ?? m[2] ?? m[3] ?? '';
        if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
        needed.add(packageOf(specifier));
      }
    }
    const devOnly = [...needed].filter((name) => !(name in pkg.dependencies));
    expect(devOnly).toEqual([]);
    // The check sees the imports (a build with none would pass it trivially).
    expect(needed.has('botbuilder') && needed.has('express') && needed.has('kysely')).toBe(true);
  });

  it('runs the officer script compiled', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pln123-prod-'));
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
    delete env.DATABASE_URL;
    const added = spawnSync(process.execPath, [path.join(OUT, 'scripts/officer.js'), 'add', 'cso.rina', '--name', 'Rina Petugas'], { cwd: ROOT, env, input: 'kopi-tubruk 2026\n', encoding: 'utf8' });
    expect(added.status, added.stderr).toBe(0);
    const listed = spawnSync(process.execPath, [path.join(OUT, 'scripts/officer.js'), 'list'], { cwd: ROOT, env, encoding: 'utf8' });
    expect(listed.stdout).toMatch(/^cso\.rina\s+Rina Petugas$/m);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts the compiled service with its .env (the real environment winning), which answers and stops on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pln123-prod-'));
    const port = await freePort();
    // DATA_DIR comes from the file only; PORT from both, and the environment's must win.
    const envFile = path.join(dataDir, 'service.env');
    fs.writeFileSync(envFile, `DATA_DIR=${path.join(dataDir, 'from-env-file')}\nPORT=1\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, ENV_FILE: envFile, PORT: String(port), LOG_LEVEL: 'warn' };
    delete env.DATA_DIR;
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    const child = spawn(process.execPath, [path.join(OUT, 'src/main.js')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      let status = 0;
      while (Date.now() < deadline && status !== 200) {
        status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status, output).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/agent`)).status).toBe(200);
      expect(fs.existsSync(path.join(dataDir, 'from-env-file', 'pln123.sqlite'))).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, output).toBe(0);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it.skipIf(!process.env.DATABASE_URL)('says to migrate when PostgreSQL has no tables, and exits 1', async () => {
    const schema = await createTestSchema(process.env.DATABASE_URL ?? '');
    try {
      const url = new URL(process.env.DATABASE_URL ?? '');
      url.searchParams.set('options', `-c search_path=${schema.name}`);
      const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url.toString(), PORT: String(await freePort()), LOG_LEVEL: 'silent', DATA_DIR: os.tmpdir() };
      delete env.REDIS_URL;
      delete env.MIGRATE_ON_START;
      const run = spawnSync(process.execPath, [path.join(OUT, 'src/main.js')], { cwd: ROOT, env, encoding: 'utf8', timeout: 30_000 });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/no tables yet.*npm run migrate.*MIGRATE_ON_START=true/);
    } finally {
      await schema.drop();
    }
  }, 60_000);
});
