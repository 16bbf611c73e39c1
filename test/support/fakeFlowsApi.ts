import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake of Meta's Flows management API on 127.0.0.1 (port 0), answering as Meta's reference
 * documents: create (`POST /{version}/{waba-id}/flows`, JSON), replace a draft's JSON (`POST
 * /{version}/{flow-id}/assets`, multipart with the file `flow.json`, asset_type FLOW_JSON),
 * publish (`POST /{version}/{flow-id}/publish`) and read (`GET /{version}/{flow-id}`). A published
 * Flow refuses a new asset (400, as Meta: published Flows cannot be modified); `validationErrors`
 * are answered to the next create or upload, which then cannot be published. The token is checked
 * on every call (401, code 190). Every request is recorded.
 */
export interface FakeFlow {
  id: string;
  name: string;
  categories: string[];
  status: 'DRAFT' | 'PUBLISHED';
  json: string;
  validationErrors: unknown[];
}

export interface FlowsRequest {
  method: string;
  path: string;
  auth: string | undefined;
  /** JSON body, or the multipart fields (the file as its text). */
  body: Record<string, unknown> | null;
}

export class FakeFlowsApi {
  readonly flows = new Map<string, FakeFlow>();
  readonly requests: FlowsRequest[] = [];
  /** Given to the next create or upload. */
  nextValidationErrors: unknown[] = [];
  private seq = 1_000_000_000_000_000;
  private baseUrl = '';

  private readonly server: http.Server;

  private constructor(readonly options: { token: string; businessAccountId: string; version: string }) {
    this.server = http.createServer((req, res) => {
      void this.handle(req, res).catch((err: unknown) => res.writeHead(500).end(String(err)));
    });
  }

  static async start(options: { token: string; businessAccountId: string; version?: string }): Promise<FakeFlowsApi> {
    const fake = new FakeFlowsApi({ version: 'v25.0', ...options });
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.baseUrl = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  get url(): string {
    return this.baseUrl;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', this.baseUrl);
    const body = await parseBody(raw, req.headers['content-type'] ?? '');
    this.requests.push({ method: req.method ?? '', path: url.pathname, auth: req.headers.authorization, body });
    const answer = (status: number, payload: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    if (req.headers.authorization !== `Bearer ${this.options.token}`) return answer(401, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
    const [version, id, action] = url.pathname.split('/').filter(Boolean);
    if (version !== this.options.version || !id) return answer(404, { error: { message: 'Unknown path', code: 100 } });

    if (req.method === 'POST' && id === this.options.businessAccountId && action === 'flows') {
      if (typeof body?.name !== 'string' || !Array.isArray(body.categories) || body.categories.length === 0) return answer(400, { error: { message: 'name and categories are required', code: 100 } });
      const flow: FakeFlow = { id: String(this.seq++), name: body.name, categories: body.categories as string[], status: 'DRAFT', json: typeof body.flow_json === 'string' ? body.flow_json : '', validationErrors: this.takeErrors() };
      this.flows.set(flow.id, flow);
      return answer(200, { id: flow.id, success: true, validation_errors: flow.validationErrors });
    }
    const flow = this.flows.get(id);
    if (!flow) return answer(400, { error: { message: `Unsupported request - object with ID '${id}' does not exist`, code: 100, error_subcode: 33 } });
    if (req.method === 'POST' && action === 'assets') {
      if (flow.status === 'PUBLISHED') return answer(400, { error: { message: "Flow can't be updated: a published Flow cannot be modified", code: 139001, error_subcode: 4016012 } });
      if (body?.asset_type !== 'FLOW_JSON' || body.name !== 'flow.json' || typeof body.file !== 'string') return answer(400, { error: { message: 'file, name=flow.json and asset_type=FLOW_JSON are required', code: 100 } });
      flow.json = body.file;
      flow.validationErrors = this.takeErrors();
      return answer(200, { success: true, validation_errors: flow.validationErrors });
    }
    if (req.method === 'POST' && action === 'publish') {
      if (flow.validationErrors.length > 0 || flow.json === '') return answer(400, { error: { message: 'Flow has validation errors', code: 139002 } });
      flow.status = 'PUBLISHED';
      return answer(200, { success: true });
    }
    if (req.method === 'GET' && action === undefined) {
      return answer(200, { id: flow.id, name: flow.name, status: flow.status, validation_errors: flow.validationErrors });
    }
    return answer(404, { error: { message: 'Unknown path', code: 100 } });
  }

  private takeErrors(): unknown[] {
    const errors = this.nextValidationErrors;
    this.nextValidationErrors = [];
    return errors;
  }
}

async function parseBody(raw: Buffer, contentType: string): Promise<Record<string, unknown> | null> {
  if (raw.length === 0) return null;
  if (contentType.startsWith('application/json')) return JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    const out: Record<string, unknown> = {};
    for (const [key, value] of form.entries()) out[key] = typeof value === 'string' ? value : await value.text();
    return out;
  }
  return null;
}
