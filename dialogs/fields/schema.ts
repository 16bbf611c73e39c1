import { z } from 'zod';
import type { FieldErrorCode, FieldKey } from './types.js';

export type Reject<K extends FieldKey> = (ctx: z.core.$RefinementCtx, code: FieldErrorCode<K>) => never;

/**
 * A function that reports `code` as the single issue of a field schema and
 * returns z.NEVER, to be used as `return fail(ctx, 'tooShort')` inside a
 * transform. The code travels in the issue message; parseField turns it into
 * the outcome's `error`. Typed per field so only declared codes compile.
 */
export function rejecter<K extends FieldKey>(_field: K): Reject<K> {
  return (ctx, code) => {
    ctx.addIssue({ code: 'custom', message: code, continue: false });
    return z.NEVER;
  };
}
