import { runScript, type ScriptRun } from '../support/runScript.js';

/** `npm run dead-letters -- <args>` as an operator runs it, with exactly `env` (plus PATH and HOME). */
export function runDeadLetters(args: string[], env: Record<string, string | undefined>): Promise<ScriptRun> {
  const childEnv: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent' };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
  return runScript('deadLetters.ts', args, { env: childEnv });
}
