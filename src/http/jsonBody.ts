// Transitional: the JSON body parser moved to src/core/jsonBody.ts (channels and handoff use it,
// and they sit below http/). Kept only for src/handoff/agentRouter.ts, which is being rewritten
// elsewhere; delete once it imports the core module (listed in the layers test until then).
export { jsonBody } from '../core/jsonBody.js';
