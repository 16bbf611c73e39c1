import { describe, expect, it } from 'vitest';
import { extractTicketNumbers } from '../../src/nlu/classifier.js';

describe('extractTicketNumbers', () => {
  it.each([
    ['nomor saya ITSM-20261124-00001', ['ITSM-20261124-00001']],
    ['itsm 20261124 00001 gimana', ['ITSM-20261124-00001']],
    ['ITSM2026112400001', ['ITSM-20261124-00001']],
    ['cek itsm-2026-11-24-00042 dan ITSM 20261125-00007 ya', ['ITSM-20261124-00042', 'ITSM-20261125-00007']],
    ['no. ITSM: 20260105 00012.', ['ITSM-20260105-00012']],
    ['(itsm#20260105-00012)', ['ITSM-20260105-00012']],
    ['Itsm-20261124-00001 Itsm 20261124 00001', ['ITSM-20261124-00001']],
  ])('%s', (text, expected) => {
    expect(extractTicketNumbers(text)).toEqual(expected);
  });

  it.each([
    'tidak ada nomor',
    'APKT-20261124-00001',
    'ITSM-2026112-00001',
    'ITSM-20261124-000012',
    'ITSM-20261124-0001',
    'nomor 20261124-00001',
    'xitsm-20261124-00001',
  ])('finds nothing in %s', (text) => {
    expect(extractTicketNumbers(text)).toEqual([]);
  });
});
