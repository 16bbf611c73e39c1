import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/messages.js';
import type { HandoffSummary } from '../../src/handoff/types.js';
import { AgentClient } from '../support/agentClient.js';
import type { FakeGraph } from '../support/fakeGraph.js';
import { startFakeGraph, startMetaService, tempDataDir, type RunningService } from '../support/metaService.js';
import { MetaUser, said, texts } from '../support/metaUser.js';

/** A restart of the service while an officer holds a conversation changes nothing for either side. */

let graph: FakeGraph;
let run: RunningService;
const dataDir = tempDataDir();
const PASSWORD = 'rahasia-petugas-123';

beforeAll(async () => {
  graph = await startFakeGraph();
  run = await startMetaService(graph, dataDir, { OFFICER_HOURS: 'always' });
  await run.service.handoffs.officers.create({ username: 'sari.cso', displayName: 'Sari', password: PASSWORD });
});
afterAll(async () => {
  await run.stop();
  await graph.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('a restart during a handoff', () => {
  it('keeps the conversation with the officer, silent, and resumes the form when handed back', async () => {
    const userId = '6281500000001';
    const user = new MetaUser(run, graph, 'whatsapp', userId);
    await user.say('daftar seller');
    await user.say('Budi Santoso');
    await user.say('petugas');
    let sari = await AgentClient.signIn(run.url, 'sari.cso', PASSWORD);
    const handoff = (await sari.get<{ handoffs: HandoffSummary[] }>('/agent/api/handoffs')).body.handoffs[0];
    expect((await sari.post(`/agent/api/handoffs/${handoff?.id}/take`)).status).toBe(200);
    user.newSends();

    await run.stop();
    run = await startMetaService(graph, dataDir, { OFFICER_HOURS: 'always' });
    user.run = run;

    expect(await user.say('halo, masih di sana?')).toEqual([]);
    // The session survived the restart too (it lives in the database); the new instance has a new port.
    sari = Object.assign(new AgentClient(run.url), { cookie: sari.cookie, csrfToken: sari.csrfToken });
    const again = await sari.get<{ handoffs: HandoffSummary[] }>('/agent/api/handoffs');
    expect(again.status).toBe(200);
    expect(again.body.handoffs[0]).toMatchObject({ id: handoff?.id, status: 'active', officer: 'sari.cso' });
    expect((await sari.post(`/agent/api/handoffs/${handoff?.id}/handback`)).status).toBe(200);
    expect(texts(user.newSends())).toEqual([said('whatsapp', 'officer.handedBack'), expect.stringContaining(t('id', 'fields.businessName.question'))]);
  });
});
