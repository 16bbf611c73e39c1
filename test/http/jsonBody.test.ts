import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, nestedDeeperThan, parseJson, JsonTooDeepError } from '../../src/core/jsonBody.js';

const deeperThan = (text: string, max = MAX_JSON_DEPTH) => nestedDeeperThan(Buffer.from(text, 'utf8'), max);
const arrays = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

describe('nestedDeeperThan', () => {
  it('counts arrays and objects alike, up to the limit and not past it', () => {
    expect(deeperThan(arrays(64))).toBe(false);
    expect(deeperThan(arrays(65))).toBe(true);
    expect(deeperThan('{"a":{"b":[{"c":1}]}}', 4)).toBe(false);
    expect(deeperThan('{"a":{"b":[{"c":[1]}]}}', 4)).toBe(true);
    // Siblings do not add up: depth is how deep, not how many.
    expect(deeperThan(`[${Array.from({ length: 1000 }, () => '[[1]]').join(',')}]`, 3)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes and backslashes included', () => {
    expect(deeperThan(JSON.stringify({ text: '[[[[[[{{{{{{' }), 2)).toBe(false);
    expect(deeperThan(JSON.stringify({ text: 'say "[[[[" \\ [[[[' }), 2)).toBe(false);
    expect(deeperThan(JSON.stringify({ text: 'ends in a backslash \\', next: [[['x']]] }), 3)).toBe(true);
    expect(deeperThan(JSON.stringify({ text: 'ends in a backslash \\', next: [['x']] }), 3)).toBe(false);
    expect(deeperThan(JSON.stringify({ emoji: '😀[[[[', kanji: '漢字{{{{' }), 1)).toBe(false);
  });

  it('refuses 3 million levels, and text that is not JSON after the limit is never looked at', () => {
    expect(deeperThan(arrays(3 * 1024 * 1024))).toBe(true);
    expect(deeperThan(`${'['.repeat(65)}"unterminated`)).toBe(true);
  });
});

describe('parseJson', () => {
  it('parses what is shallow enough and refuses the rest before parsing', () => {
    expect(parseJson(Buffer.from('{"a":[1,2]}'))).toEqual({ a: [1, 2] });
    expect(() => parseJson(Buffer.from(arrays(65)))).toThrow(JsonTooDeepError);
    expect(() => parseJson(Buffer.from('{"a":'))).toThrow(SyntaxError);
  });
});
