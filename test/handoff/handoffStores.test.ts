import { describeOnBothDatabases } from '../storage/bothDatabases.js';
import { postgresHarness, sqliteHarness } from './handoffBackends.js';
import { describeHandoffStore } from './handoffStore.contract.js';
import { describeOfficerStore } from './officerStore.contract.js';
import { describeSessionStore } from './sessionStore.contract.js';

/** The officers' side (queue, transcripts, accounts, sessions): one contract, both databases. */
describeOnBothDatabases('handoff, officer and session store tests', { sqlite: sqliteHarness, postgres: postgresHarness }, (name, harness) => {
  describeHandoffStore(name, harness);
  describeOfficerStore(name, harness);
  describeSessionStore(name, harness);
});
