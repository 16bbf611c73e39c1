import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { explainStartError, redactUrl, startupBanner } from '../../src/composition/startup.js';

const base = { DATA_DIR: '/srv/pln123/data', PORT: '3978' };

describe('start-up messages', () => {
  it('gives the URLs, the channels, where data lives and how to add the first officer', () => {
    const banner = startupBanner(loadConfig(base), { port: 3978, officers: 0 });
    expect(banner).toContain('http://localhost:3978/api/messages');
    expect(banner).toContain('npm run chat');
    expect(banner).toContain('http://localhost:3978/agent');
    expect(banner).toContain('http://localhost:3978/metrics');
    expect(banner).toMatch(/Meta channels\s+none configured/);
    expect(banner).toContain('SQLite in /srv/pln123/data');
    expect(banner).toContain('npm run officer -- add <username> --name "Display Name"');
    const ready = startupBanner(loadConfig({ ...base, DATABASE_URL: 'postgres://pln:s3cret@db.internal:5432/pln', REDIS_URL: 'redis://:pw@cache:6379' }), { port: 8080, officers: 3 });
    expect(ready).toMatch(/Officer accounts\s+3/);
    expect(ready).toContain('PostgreSQL postgres://pln:***@db.internal:5432/pln + Redis redis://:***@cache:6379');
    expect(ready).not.toContain('s3cret');
  });

  it('redacts passwords in connection URLs', () => {
    expect(redactUrl('postgres://u:p@h/db')).toBe('postgres://u:***@h/db');
    expect(redactUrl('postgres://h/db')).toBe('postgres://h/db');
    expect(redactUrl('not a url')).toBe('(unparsable URL)');
  });

  it('says what to do when PostgreSQL was never migrated, a port is taken, or a server does not answer', () => {
    const pg = loadConfig({ ...base, DATABASE_URL: 'postgres://h/db' });
    expect(explainStartError(new Error('relation "ticket_outbox" does not exist'), pg)).toMatch(/npm run migrate.*MIGRATE_ON_START=true/);
    expect(explainStartError(new Error('listen EADDRINUSE: address already in use :::3978'), pg)).toMatch(/set PORT/);
    expect(explainStartError(new Error('connect ECONNREFUSED 127.0.0.1:5432'), pg)).toMatch(/DATABASE_URL and REDIS_URL/);
    expect(explainStartError(new Error('something else'), null)).toBe('something else');
  });
});
