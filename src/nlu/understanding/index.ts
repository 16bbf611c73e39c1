/**
 * The understanding step: what a customer's message is, read against what the bot is waiting for
 * (docs/understanding.md). Create once at start-up, then call `understand` on every text turn.
 *
 * @example
 * import { createUnderstanding } from './nlu/understanding/index.js';
 * const understanding = await createUnderstanding({ classifier });
 * const act = await understanding.understand(text, { kind: 'field', field: 'name' });
 */
export { createUnderstanding, type MarketplaceLabeller, type UnderstandingDeps } from './understand.js';
export { looksEnglish } from './language.js';
export type * from '../../../dialogs/understanding.js';
