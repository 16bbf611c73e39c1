import type { DeliveryFailure } from '../../storage/contactWindowStore.js';
import type { GraphErrorKind } from '../../core/graphErrorKind.js';

export type { GraphErrorKind };

const THROTTLED = new Set([4, 17, 32, 613, 80007, 130429, 131056, 131048]);
const TRANSIENT = new Set([1, 2, 1200, 131000, 131016, 131057]);
const WINDOW_CLOSED_CODES = new Set([131047]);
const WINDOW_CLOSED_SUBCODES = new Set([2018278, 2534022]);
const AUTH = new Set([190, 102]);

export class GraphApiError extends Error {
  constructor(
    readonly kind: GraphErrorKind,
    readonly status: number,
    readonly code: number | null,
    readonly subcode: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'GraphApiError';
  }

  get retryable(): boolean {
    return this.kind === 'throttled' || this.kind === 'transient';
  }
}

/**
 * Why a send given up on is recorded: Graph's definite refusals as they are, a send that may have
 * been delivered as `unconfirmed`, anything retried until its attempts ran out as `exhausted`.
 */
export function deliveryFailureReason(err: unknown): DeliveryFailure['reason'] {
  if (!(err instanceof GraphApiError) || err.retryable) return 'exhausted';
  if (err.kind === 'ambiguous') return 'unconfirmed';
  return err.kind === 'windowClosed' || err.kind === 'auth' ? err.kind : 'permanent';
}

export function classifyGraphError(status: number, code: number | null, subcode: number | null): GraphErrorKind {
  if (code !== null && WINDOW_CLOSED_CODES.has(code)) return 'windowClosed';
  if (subcode !== null && WINDOW_CLOSED_SUBCODES.has(subcode)) return 'windowClosed';
  if (code !== null && AUTH.has(code)) return 'auth';
  if (status === 429 || (code !== null && THROTTLED.has(code))) return 'throttled';
  if (status >= 500 || (code !== null && TRANSIENT.has(code))) return 'transient';
  if (status === 401) return 'auth';
  return 'permanent';
}

/** Builds the error from a Graph error body `{ error: { message, code, error_subcode } }` (or anything else). */
export function graphErrorFrom(status: number, body: unknown): GraphApiError {
  const err = (body as { error?: { message?: unknown; code?: unknown; error_subcode?: unknown } } | null)?.error;
  const code = typeof err?.code === 'number' ? err.code : null;
  const subcode = typeof err?.error_subcode === 'number' ? err.error_subcode : null;
  const message = typeof err?.message === 'string' ? err.message.slice(0, 300) : `HTTP ${status}`;
  return new GraphApiError(classifyGraphError(status, code, subcode), status, code, subcode, message);
}
