// Transitional: the Marketplace catalogue moved beside the dialogs that use it (dialogs/catalog.ts)
// and the APKT recording to ./apkt.ts. Kept only for agentRouter.ts, embeddedTicketing.ts and
// pgTicketing.ts, which are being rewritten elsewhere; delete once they import those directly
// (the layers test lists the upward re-export as a known violation until then).
export { APKT_CLASSIFICATION } from './apkt.js';
export { CATALOG } from '../../dialogs/catalog.js';
