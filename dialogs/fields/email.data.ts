/**
 * E-mail providers whose domain typos we correct, and real domains that look
 * like typos of them but must be left alone.
 */
export interface MailProvider {
  /** The first label of the domain ("gmail"). */
  readonly label: string;
  /** The rest of each real domain of this provider; on a tie the first wins. */
  readonly suffixes: readonly string[];
}

export const COMMON_PROVIDERS: readonly MailProvider[] = [
  { label: 'gmail', suffixes: ['com'] },
  { label: 'yahoo', suffixes: ['co.id', 'com'] },
  { label: 'ymail', suffixes: ['com'] },
  { label: 'rocketmail', suffixes: ['com'] },
  { label: 'hotmail', suffixes: ['com'] },
  { label: 'outlook', suffixes: ['com'] },
  { label: 'live', suffixes: ['com'] },
  { label: 'icloud', suffixes: ['com'] },
  { label: 'pln', suffixes: ['co.id'] },
];

/** The common domains themselves: gmail.com, yahoo.co.id, yahoo.com, … */
export const COMMON_DOMAINS: readonly string[] = COMMON_PROVIDERS.flatMap((p) => p.suffixes.map((s) => `${p.label}.${s}`));

/**
 * Real domains within a typo's reach of a common one (or sharing its first
 * label), accepted as typed.
 */
export const OTHER_REAL_DOMAINS: readonly string[] = [
  'mail.com',
  'email.com',
  'gmx.com',
  'gmx.net',
  'aol.com',
  'msn.com',
  'me.com',
  'mac.com',
  'googlemail.com',
  'yahoo.co.uk',
  'yahoo.co.jp',
  'yahoo.com.sg',
  'yahoo.com.my',
  'yahoo.com.au',
  'yahoo.com.ph',
  'yahoo.fr',
  'yahoo.de',
  'hotmail.co.uk',
  'hotmail.fr',
  'hotmail.de',
  'outlook.co.id',
  'outlook.sg',
  'live.co.uk',
  'live.fr',
  'proton.me',
  'protonmail.com',
  'zoho.com',
  'yandex.com',
];
