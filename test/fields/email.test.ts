import { describe, expect, it } from 'vitest';
import { emailAsTyped, parseField, suggestEmailDomain } from '../../dialogs/fields/index.js';
import { COMMON_DOMAINS, OTHER_REAL_DOMAINS } from '../../dialogs/fields/email.data.js';

describe('email', () => {
  it.each([
    ['budi@gmail.com', 'budi@gmail.com'],
    ['budi.santoso@gmail.com', 'budi.santoso@gmail.com'],
    ['  budi@gmail.com  ', 'budi@gmail.com'],
    ['budi@gmail.com.', 'budi@gmail.com'], // trailing dot stripped
    ['Budi@GMAIL.COM', 'Budi@gmail.com'], // domain lower-cased, local part kept
    ['siti_aminah+toko@yahoo.co.id', 'siti_aminah+toko@yahoo.co.id'],
    ['siti@yahoo.com', 'siti@yahoo.com'],
    ['siti@ymail.com', 'siti@ymail.com'],
    ['siti@rocketmail.com', 'siti@rocketmail.com'],
    ['andi@hotmail.com', 'andi@hotmail.com'],
    ['andi@outlook.com', 'andi@outlook.com'],
    ['andi@outlook.co.id', 'andi@outlook.co.id'],
    ['andi@live.com', 'andi@live.com'],
    ['andi@icloud.com', 'andi@icloud.com'],
    ['petugas@pln.co.id', 'petugas@pln.co.id'],
    // unknown but plausible domains are taken as typed
    ['budi@tokobudi.co.id', 'budi@tokobudi.co.id'],
    ['info@batik-ayu.com', 'info@batik-ayu.com'],
    ['mhs@mail.ugm.ac.id', 'mhs@mail.ugm.ac.id'],
    ['admin@pnm.co.id', 'admin@pnm.co.id'],
    ['admin@iconpln.co.id', 'admin@iconpln.co.id'],
    // real domains that look like typos of common ones
    ['budi@mail.com', 'budi@mail.com'],
    ['budi@email.com', 'budi@email.com'],
    ['budi@gmx.com', 'budi@gmx.com'],
    ['budi@googlemail.com', 'budi@googlemail.com'],
    ['budi@yahoo.com.sg', 'budi@yahoo.com.sg'],
  ])('%j -> valid %j', (input, value) => {
    expect(parseField('email', input)).toEqual({ kind: 'valid', value });
  });

  it.each([
    ['budi@gmial.com', 'budi@gmail.com'],
    ['budi@gmail.co', 'budi@gmail.com'],
    ['budi@gmail.con', 'budi@gmail.com'],
    ['budi@gmai.com', 'budi@gmail.com'],
    ['budi@gamil.com', 'budi@gmail.com'],
    ['budi@gmaill.com', 'budi@gmail.com'],
    ['budi@gnail.com', 'budi@gmail.com'],
    ['budi@gmail.cm', 'budi@gmail.com'],
    ['budi@gmail.om', 'budi@gmail.com'],
    ['budi@gmial.co', 'budi@gmail.com'],
    ['budi@gmail.co.id', 'budi@gmail.com'], // gmail has no .co.id
    ['budi@gmail.id', 'budi@gmail.com'],
    ['budi@gmail', 'budi@gmail.com'],
    ['budi@gmailcom', 'budi@gmail.com'],
    ['budi@gmail,com', 'budi@gmail.com'],
    ['budi@gmail..com', 'budi@gmail.com'],
    ['budi@yahoo.co.od', 'budi@yahoo.co.id'],
    ['budi@yahoo.co.di', 'budi@yahoo.co.id'],
    ['budi@yahoo.id', 'budi@yahoo.co.id'],
    ['budi@yaho.com', 'budi@yahoo.com'],
    ['budi@yahooo.com', 'budi@yahoo.com'],
    ['budi@yahoo.co', 'budi@yahoo.com'],
    ['budi@ymial.com', 'budi@ymail.com'],
    ['budi@hotmial.com', 'budi@hotmail.com'],
    ['budi@hotmail.co', 'budi@hotmail.com'],
    ['budi@hotmal.con', 'budi@hotmail.com'],
    ['budi@outlok.com', 'budi@outlook.com'],
    ['budi@outlook.cm', 'budi@outlook.com'],
    ['budi@live.co', 'budi@live.com'],
    ['budi@iclod.com', 'budi@icloud.com'],
    ['budi@rocketmial.com', 'budi@rocketmail.com'],
    ['budi@pln.com', 'budi@pln.co.id'],
    ['budi@pln.co.di', 'budi@pln.co.id'],
    ['Budi.Santoso@GMIAL.COM', 'Budi.Santoso@gmail.com'],
  ])('%j -> confirm %j', (typed, value) => {
    expect(parseField('email', typed)).toEqual({ kind: 'confirm', value, typed });
  });

  it('reports the typed text trimmed and without the trailing dot', () => {
    expect(parseField('email', '  budi@gmial.com. ')).toEqual({ kind: 'confirm', value: 'budi@gmail.com', typed: 'budi@gmial.com' });
  });

  it.each([
    ['', 'required'],
    ['   ', 'required'],
    ['.', 'required'],
    ['budi gmail.com', 'hasSpaces'],
    ['budi @gmail.com', 'hasSpaces'],
    ['budi@ gmail.com', 'hasSpaces'],
    ['budi santoso@gmail.com', 'hasSpaces'],
    ['budigmail.com', 'missingAt'],
    ['budi', 'missingAt'],
    ['budi(at)gmail.com', 'missingAt'],
    ['budi@@gmail.com', 'multipleAt'],
    ['a@b@gmail.com', 'multipleAt'],
    ['@gmail.com', 'invalid'],
    ['budi@', 'invalid'],
    ['budi@tokobudi', 'invalid'], // no top-level domain, not near a common one
    ['budi@tokobudi.c', 'invalid'],
    ['budi..santoso@gmail.com', 'invalid'],
    ['.budi@gmail.com', 'invalid'],
    ['budi!@gmail.com', 'invalid'],
    ['budi@toko_budi.com', 'invalid'],
    ['budi@-toko.com', 'invalid'],
    ['budi..santoso@gmial.com', 'invalid'], // the suggestion would still be invalid
    [`${'a'.repeat(250)}@gmail.com`, 'invalid'],
  ])('%j is invalid: %s', (input, error) => {
    expect(parseField('email', input)).toEqual({ kind: 'invalid', error });
  });
});

describe('suggestEmailDomain', () => {
  it('never corrects a common or otherwise known domain', () => {
    for (const domain of [...COMMON_DOMAINS, ...OTHER_REAL_DOMAINS]) expect(suggestEmailDomain(domain), domain).toBeUndefined();
  });

  it('lists the common providers of the brief', () => {
    expect([...COMMON_DOMAINS].sort()).toEqual(
      [
        'gmail.com',
        'yahoo.com',
        'yahoo.co.id',
        'hotmail.com',
        'outlook.com',
        'live.com',
        'icloud.com',
        'ymail.com',
        'rocketmail.com',
        'pln.co.id',
      ].sort(),
    );
  });

  it.each([
    ['email.co'], // gmail.com and ymail.com are equally near
    ['mail.co'],
    ['tokobudi.co.id'],
    ['ugm.ac.id'],
    ['pnm.co.id'],
  ])('%j -> no suggestion', (domain) => {
    expect(suggestEmailDomain(domain)).toBeUndefined();
  });
});

describe('emailAsTyped (keeping the typed address after a rejected suggestion)', () => {
  it.each([
    ['budi@gmial.com', 'budi@gmial.com'],
    ['Budi@GMIAL.COM.', 'Budi@gmial.com'],
    ['  budi@tokobudi.co.id ', 'budi@tokobudi.co.id'],
  ])('%j -> %j', (typed, value) => {
    expect(emailAsTyped(typed)).toBe(value);
  });

  it.each([['budi@gmail'], ['budi@gmailcom'], ['budi@gmail,com'], ['budi@gmail..com'], ['budi gmail.com'], ['a@b@c.com'], ['']])(
    '%j cannot be kept',
    (typed) => {
      expect(emailAsTyped(typed)).toBeUndefined();
    },
  );

  it('accepts the typed text of every confirm whose typed address is well-formed', () => {
    const outcome = parseField('email', 'budi@yahoo.co.od');
    expect(outcome.kind).toBe('confirm');
    if (outcome.kind === 'confirm') expect(emailAsTyped(outcome.typed)).toBe('budi@yahoo.co.od');
  });
});
