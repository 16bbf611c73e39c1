import { postgresChannelHarness, sqliteChannelHarness } from './channelBackends.js';
import { describeOnBothDatabases } from './bothDatabases.js';
import { describeContactWindowStore } from './contactWindowStore.contract.js';
import { describeConversationReferenceStore } from './conversationReferenceStore.contract.js';
import { describeSendLedger } from './sendLedger.contract.js';

/** The channels' bookkeeping (24-hour windows, delivery failures, conversation references, the send ledger): one contract, both databases. */
describeOnBothDatabases('contact window and conversation reference store tests', { sqlite: sqliteChannelHarness, postgres: postgresChannelHarness }, (name, harness) => {
  describeContactWindowStore(name, harness);
  describeConversationReferenceStore(name, harness);
  describeSendLedger(name, harness);
});
