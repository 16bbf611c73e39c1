import { describe, expect, it } from 'vitest';
import { runScript } from '../support/runScript.js';

const runClassify = (input: string) => runScript('classify.ts', [], { stdin: input });

describe('scripts/classify.ts', () => {
  it('answers one JSON line per input line, errors included, and prints nothing else on stdout', async () => {
    const input = [
      JSON.stringify({ text: 'min gak bisa bayar pake iconcash' }),
      'this is not json',
      JSON.stringify({ message: 'no text field' }),
      '',
      JSON.stringify({ text: 'halo selamat pagi' }),
    ].join('\n');
    const { code, stdout, stderr } = await runClassify(input + '\n');
    expect(code, stderr).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed[0]).toMatchObject({ label: 'type:24' });
    expect(Object.keys(parsed[0] ?? {})).toEqual(['label', 'confidence', 'alternatives']);
    expect(parsed[1]).toHaveProperty('error');
    expect(parsed[2]).toHaveProperty('error');
    expect(parsed[3]).toMatchObject({ label: 'intent:greeting' });
    expect(stdout).not.toMatch(/Epoch/);
  });
});
