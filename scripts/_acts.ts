import { MarketplaceClassifier } from '../src/nlu/classifier.js';
import { createUnderstanding } from '../src/nlu/understanding/index.js';
const u = await createUnderstanding({ classifier: await MarketplaceClassifier.train() });
const cases: Array<[string, any]> = JSON.parse(process.argv[2]!);
for (const [text, open] of cases) console.log(JSON.stringify(text).slice(0, 80), JSON.stringify(open), '→', JSON.stringify(await u.understand(text, open)));
