/**
 * Creating or updating a Flow through the Graph API and publishing it (Meta's Flows API):
 * - new: `POST /{business-account-id}/flows` with its name, category and Flow JSON;
 * - existing (a Flow id given): `POST /{flow-id}/assets`, the Flow JSON as the file `flow.json`
 *   (asset_type FLOW_JSON), which replaces a draft's JSON;
 * - then, when asked and Meta reported no validation error, `POST /{flow-id}/publish`;
 * - and `GET /{flow-id}?fields=id,name,status,validation_errors` for what Meta holds now.
 * The document is checked here first (checkFlowJson), so a broken file is not sent at all. A
 * published Flow cannot be changed: Meta refuses the upload, and the error says so (create a new
 * Flow, without WHATSAPP_FLOW_ID, and configure its id).
 */
import { z } from 'zod';
import type { GraphClient } from '../../meta/graphClient.js';
import { checkFlowJson } from './flowJson.js';

/** One of Meta's validation errors of an uploaded Flow JSON. */
export interface FlowValidationError {
  error: string;
  message: string;
  line?: number;
  column?: number;
}

export interface PublishFlowOptions {
  graph: GraphClient;
  businessAccountId: string;
  /** Update this Flow (a draft) instead of creating one. */
  flowId?: string;
  /** The Flow's name in WhatsApp Manager (new Flows only). */
  name: string;
  /** The Flow JSON as uploaded (its exact text). */
  flowJson: string;
  /** Publish once uploaded without validation errors (a published Flow can no longer change). */
  publish: boolean;
}

export interface PublishFlowResult {
  flowId: string;
  created: boolean;
  published: boolean;
  /** Meta's status of the Flow after all this: DRAFT, PUBLISHED, DEPRECATED, BLOCKED, THROTTLED. */
  status: string;
  validationErrors: FlowValidationError[];
}

/** The Flow JSON is refused here, before anything is sent. */
export class FlowJsonInvalid extends Error {
  constructor(readonly problems: string[]) {
    super(`the Flow JSON breaks rules Meta checks: ${problems.join('; ')}`);
  }
}

const metaValidationError = z
  .object({
    error: z.string().optional(),
    error_type: z.string().optional(),
    message: z.string().optional(),
    line_start: z.number().optional(),
    column_start: z.number().optional(),
  })
  .passthrough()
  .transform(
    (e): FlowValidationError => ({
      error: e.error ?? e.error_type ?? 'VALIDATION_ERROR',
      message: e.message ?? '',
      ...(e.line_start !== undefined ? { line: e.line_start } : {}),
      ...(e.column_start !== undefined ? { column: e.column_start } : {}),
    }),
  );
const validationErrors = z.array(metaValidationError).optional().default([]);
const created = z.object({ id: z.string().min(1), validation_errors: validationErrors }).passthrough();
const uploaded = z.object({ success: z.boolean().optional(), validation_errors: validationErrors }).passthrough();
const publishedAnswer = z.object({ success: z.literal(true) }).passthrough();
const flowInfo = z.object({ id: z.string(), status: z.string(), validation_errors: validationErrors }).passthrough();

/** The category Meta files the Flow under (one of its fixed list). */
const CATEGORY = 'SIGN_UP';

export async function publishFlow(options: PublishFlowOptions): Promise<PublishFlowResult> {
  const problems = checkFlowJson(JSON.parse(options.flowJson) as unknown);
  if (problems.length > 0) throw new FlowJsonInvalid(problems);
  const { graph } = options;
  let flowId: string;
  let errors: FlowValidationError[];
  if (options.flowId === undefined) {
    const answer = created.parse(await graph.post(`/${options.businessAccountId}/flows`, { name: options.name, categories: [CATEGORY], flow_json: options.flowJson, publish: false }));
    flowId = answer.id;
    errors = answer.validation_errors;
  } else {
    flowId = options.flowId;
    const form = new FormData();
    form.set('file', new Blob([options.flowJson], { type: 'application/json' }), 'flow.json');
    form.set('name', 'flow.json');
    form.set('asset_type', 'FLOW_JSON');
    errors = uploaded.parse(await graph.postForm(`/${flowId}/assets`, form)).validation_errors;
  }
  let published = false;
  if (options.publish && errors.length === 0) {
    publishedAnswer.parse(await graph.post(`/${flowId}/publish`, {}));
    published = true;
  }
  const info = flowInfo.parse(await graph.get(`/${flowId}?fields=id,name,status,validation_errors`));
  return { flowId, created: options.flowId === undefined, published, status: info.status, validationErrors: errors.length > 0 ? errors : info.validation_errors };
}
