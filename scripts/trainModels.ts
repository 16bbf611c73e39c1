/**
 * The last step of `npm run build`: trains the language models into the model cache
 * (node_modules/.cache/pln123-nlu, see src/nlu/modelCache.ts), so that the service's first start
 * reads them instead of training, also when it may not write to its own tree (systemd's
 * `ProtectSystem=strict`). A cache that cannot be written is said and is not an error: the service
 * then trains at start-up, as it would without this step.
 */
import { performance } from 'node:perf_hooks';
import { MarketplaceClassifier } from '../src/nlu/classifier.js';
import { ModelCache } from '../src/nlu/modelCache.js';
import { trainActClassifier } from '../src/nlu/understanding/classifier.js';

const started = performance.now();
let failure: unknown;
const cache = ModelCache.beside((err) => (failure = err));
await MarketplaceClassifier.train(undefined, undefined, cache);
await trainActClassifier(undefined, cache);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (failure === undefined) console.log(`language models ready in ${cache.dir} (${seconds} s)`);
else console.warn(`language models not stored in ${cache.dir} (${failure instanceof Error ? failure.message : String(failure)}): the service trains them at start-up, or set NLU_CACHE_DIR`);
