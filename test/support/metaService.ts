import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import type { MetaChannelHandle } from '../../src/channels/meta/metaChannel.js';
import { createLogger } from '../../src/log.js';
import { createService, type Service } from '../../src/service.js';
import { FakeGraph } from './fakeGraph.js';

/** The credentials the end-to-end tests (and the benchmark) run the service with. */
export const META = {
  appSecret: 'e2e-app-secret-9f8e7d',
  verifyToken: 'e2e-verify-token',
  whatsappToken: 'EAAG-e2e-whatsapp-token',
  phoneNumberId: '106540352242922',
  messengerToken: 'EAAG-e2e-page-token',
  instagramToken: 'IGAA-e2e-instagram-token',
  pageId: '1234567890',
  igAccountId: '17841400000000000',
  ticketsToken: 'e2e-tickets-token',
  graphVersion: 'v25.0',
} as const;

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'pln123-e2e-'));
}

/** The environment of the service under test: every Meta channel on, pointed at the fake Graph API. */
export function metaEnv(graphUrl: string, dataDir: string, overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    META_APP_SECRET: META.appSecret,
    META_VERIFY_TOKEN: META.verifyToken,
    GRAPH_API_BASE_URL: graphUrl,
    GRAPH_API_VERSION: META.graphVersion,
    WHATSAPP_ACCESS_TOKEN: META.whatsappToken,
    WHATSAPP_PHONE_NUMBER_ID: META.phoneNumberId,
    MESSENGER_PAGE_ACCESS_TOKEN: META.messengerToken,
    INSTAGRAM_ACCESS_TOKEN: META.instagramToken,
    TICKETS_API_TOKEN: META.ticketsToken,
    GRAPH_RETRY_BASE_MS: '5',
    ...overrides,
  };
}

export function startFakeGraph(opts: { record?: boolean } = {}): Promise<FakeGraph> {
  return FakeGraph.start({
    whatsappToken: META.whatsappToken,
    phoneNumberId: META.phoneNumberId,
    messengerToken: META.messengerToken,
    instagramToken: META.instagramToken,
    version: META.graphVersion,
    ...opts,
  });
}

export interface RunningService {
  service: Service;
  url: string;
  dataDir: string;
  /** The channel's handle; throws when the channel is off. */
  channel(name: 'whatsapp' | 'messenger' | 'instagram'): MetaChannelHandle;
  /** Waits until every channel has processed everything dispatched so far. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the real service in-process on an ephemeral port. */
export async function startMetaService(graph: FakeGraph, dataDir = tempDataDir(), overrides: Record<string, string | undefined> = {}): Promise<RunningService> {
  const service = createService(loadConfig(metaEnv(graph.url, dataDir, overrides)), createLogger('silent'));
  const port = await service.start();
  return {
    service,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    channel(name) {
      const handle = service.channels[name];
      if (!handle) throw new Error(`The ${name} channel is off`);
      return handle;
    },
    async idle() {
      await Promise.all(Object.values(service.channels).map((c) => c.idle()));
    },
    stop: () => service.stop(),
  };
}

/** GET /api/tickets/:number with the bearer token. */
export async function fetchTicket(url: string, number: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/api/tickets/${number}`, { headers: { authorization: `Bearer ${META.ticketsToken}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
