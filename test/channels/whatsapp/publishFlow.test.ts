import os from 'node:os';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GraphClient } from '../../../src/channels/meta/graphClient.js';
import { GraphApiError } from '../../../src/channels/meta/graphErrors.js';
import { FlowJsonInvalid, publishFlow } from '../../../src/channels/whatsapp/flows/publishFlow.js';
import { sellerFlowText } from '../../../src/channels/whatsapp/flows/sellerFlow.js';
import { FakeFlowsApi } from '../../support/fakeFlowsApi.js';
import { runScript } from '../../support/runScript.js';

const TOKEN = 'flows-token';
const WABA = '102290129340398';

describe('publishing the seller application Flow (Graph API, against a fake on loopback)', () => {
  let fake: FakeFlowsApi;
  const graph = () => new GraphClient({ baseUrl: fake.url, version: 'v25.0', accessToken: TOKEN, maxAttempts: 1 });

  beforeAll(async () => {
    fake = await FakeFlowsApi.start({ token: TOKEN, businessAccountId: WABA });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.nextValidationErrors = [];
  });

  it('creates a new Flow with the file as it is, publishes it, and reads back its status', async () => {
    const result = await publishFlow({ graph: graph(), businessAccountId: WABA, name: 'Seller application', flowJson: sellerFlowText(), publish: true });
    expect(result).toMatchObject({ created: true, published: true, status: 'PUBLISHED', validationErrors: [] });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /v25.0/${WABA}/flows`, `POST /v25.0/${result.flowId}/publish`, `GET /v25.0/${result.flowId}`]);
    expect(fake.requests.every((r) => r.auth === `Bearer ${TOKEN}`)).toBe(true);
    expect(fake.requests[0]?.body).toMatchObject({ name: 'Seller application', categories: ['SIGN_UP'], publish: false });
    expect(fake.flows.get(result.flowId)?.json).toBe(sellerFlowText());
  });

  it('replaces the JSON of an existing draft as the file flow.json, and leaves it a draft unless asked to publish', async () => {
    const draft = await publishFlow({ graph: graph(), businessAccountId: WABA, name: 'Draft', flowJson: sellerFlowText(), publish: false });
    fake.flows.get(draft.flowId)!.json = 'older';
    fake.requests.length = 0;
    const result = await publishFlow({ graph: graph(), businessAccountId: WABA, flowId: draft.flowId, name: 'ignored', flowJson: sellerFlowText(), publish: false });
    expect(result).toMatchObject({ flowId: draft.flowId, created: false, published: false, status: 'DRAFT' });
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: `/v25.0/${draft.flowId}/assets`, body: { name: 'flow.json', asset_type: 'FLOW_JSON', file: sellerFlowText() } });
    expect(fake.flows.get(draft.flowId)?.json).toBe(sellerFlowText());
  });

  it("reports Meta's validation errors with their place in the file, and does not publish", async () => {
    fake.nextValidationErrors = [{ error: 'INVALID_PROPERTY_VALUE', error_type: 'FLOW_JSON_ERROR', message: 'Invalid value found for property input-type', line_start: 61, line_end: 61, column_start: 27, column_end: 33, pointers: [] }];
    const result = await publishFlow({ graph: graph(), businessAccountId: WABA, name: 'Refused', flowJson: sellerFlowText(), publish: true });
    expect(result).toMatchObject({ created: true, published: false, status: 'DRAFT' });
    expect(result.validationErrors).toEqual([{ error: 'INVALID_PROPERTY_VALUE', message: 'Invalid value found for property input-type', line: 61, column: 27 }]);
    expect(fake.requests.some((r) => r.path.endsWith('/publish'))).toBe(false);
  });

  it('sends nothing when the file breaks a rule it can check itself', async () => {
    const broken = JSON.parse(sellerFlowText()) as { screens: Array<{ layout: { children: unknown[] } }> };
    broken.screens[0]!.layout.children.pop();
    await expect(publishFlow({ graph: graph(), businessAccountId: WABA, name: 'Broken', flowJson: JSON.stringify(broken), publish: true })).rejects.toBeInstanceOf(FlowJsonInvalid);
    expect(fake.requests).toEqual([]);
  });

  it("passes on Meta's refusal to change a published Flow", async () => {
    const published = await publishFlow({ graph: graph(), businessAccountId: WABA, name: 'Live', flowJson: sellerFlowText(), publish: true });
    const attempt = publishFlow({ graph: graph(), businessAccountId: WABA, flowId: published.flowId, name: 'Live', flowJson: sellerFlowText(), publish: true });
    await expect(attempt).rejects.toBeInstanceOf(GraphApiError);
    await expect(attempt).rejects.toThrow(/published Flow cannot be modified/);
  });

  // Three runs of the script through tsx: more than the default 20 s on a loaded CI machine.
  it('npm run flow:publish: creates and publishes with the settings of the environment, and says what to configure', { timeout: 60_000 }, async () => {
    const env = { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ENV_FILE: '/dev/null', GRAPH_API_BASE_URL: fake.url, GRAPH_API_VERSION: 'v25.0', GRAPH_MAX_ATTEMPTS: '1', WHATSAPP_ACCESS_TOKEN: TOKEN, WHATSAPP_BUSINESS_ACCOUNT_ID: WABA };
    const run = await runScript('flows.ts', ['--publish'], { env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const id = /Flow (\d+): created and published; status PUBLISHED\./.exec(run.stdout)?.[1];
    expect(id).toBeDefined();
    expect(run.stdout).toContain(`Add to .env: WHATSAPP_FLOW_ID=${id}`);
    expect(fake.flows.get(id!)?.status).toBe('PUBLISHED');

    fake.nextValidationErrors = [{ error: 'MISSING_REQUIRED_PROPERTY', message: "Missing required property 'label'", line_start: 40, column_start: 11 }];
    const refused = await runScript('flows.ts', [], { env });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("MISSING_REQUIRED_PROPERTY at line 40, column 11: Missing required property 'label'");

    const unset = await runScript('flows.ts', ['--publish'], { env: { ...env, WHATSAPP_BUSINESS_ACCOUNT_ID: '' } });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('Set WHATSAPP_ACCESS_TOKEN and WHATSAPP_BUSINESS_ACCOUNT_ID');
  });
});
