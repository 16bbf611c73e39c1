/**
 * `npm run flow:publish -- [--publish] [--name <name>]`: puts the seller application's Flow
 * (flows/seller-application.json) on the WhatsApp Business Account, with the service's own
 * settings (.env and the environment): WHATSAPP_ACCESS_TOKEN and WHATSAPP_BUSINESS_ACCOUNT_ID,
 * GRAPH_API_BASE_URL and GRAPH_API_VERSION.
 *
 * Without WHATSAPP_FLOW_ID a new Flow is created (a draft); with it, that draft's JSON is replaced.
 * `--publish` then publishes it, unless Meta reported validation errors. Prints the Flow's id and
 * status, Meta's validation errors (line and column of the file), and the setting to add. Exit
 * status 1 when the file or Meta refused it, 2 on bad usage or missing settings.
 */
import { GraphClient } from '../src/channels/meta/graphClient.js';
import { GraphApiError } from '../src/channels/meta/graphErrors.js';
import { FlowJsonInvalid, publishFlow } from '../src/channels/whatsapp/flows/publishFlow.js';
import { SELLER_FLOW_FILE, sellerFlowText } from '../src/channels/whatsapp/flows/sellerFlow.js';
import { loadConfig, loadEnvFile } from '../src/config.js';

const USAGE = `Usage: npm run flow:publish -- [--publish] [--name <name>]
  Creates the seller application Flow (or, with WHATSAPP_FLOW_ID, updates that draft) from
  flows/${SELLER_FLOW_FILE}; --publish also publishes it. Needs WHATSAPP_ACCESS_TOKEN and
  WHATSAPP_BUSINESS_ACCOUNT_ID.`;

class UsageError extends Error {}

function parseArgs(argv: string[]): { publish: boolean; name: string } | 'help' {
  let publish = false;
  let name = 'PLN 123 Marketplace seller application';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--publish') publish = true;
    else if (arg === '--name' && argv[i + 1]?.trim()) name = argv[++i]!.trim();
    else throw new UsageError(`Unknown argument "${arg}".`);
  }
  return { publish, name };
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }
  loadEnvFile();
  const config = loadConfig();
  const settings = config.meta.flowPublishing;
  if (!settings) throw new UsageError('Set WHATSAPP_ACCESS_TOKEN and WHATSAPP_BUSINESS_ACCOUNT_ID (in .env or the environment).');
  const graph = new GraphClient({ baseUrl: config.meta.graphBaseUrl, version: config.meta.graphVersion, accessToken: settings.accessToken, maxAttempts: config.meta.retry.maxAttempts, baseDelayMs: config.meta.retry.baseDelayMs });
  const result = await publishFlow({ graph, businessAccountId: settings.businessAccountId, ...(settings.flowId ? { flowId: settings.flowId } : {}), name: args.name, flowJson: sellerFlowText(), publish: args.publish });
  console.log(`Flow ${result.flowId}: ${result.created ? 'created' : 'updated'}${result.published ? ' and published' : ''}; status ${result.status}.`);
  for (const e of result.validationErrors) {
    console.log(`  ${e.error}${e.line !== undefined ? ` at line ${e.line}${e.column !== undefined ? `, column ${e.column}` : ''}` : ''}: ${e.message}`);
  }
  if (result.validationErrors.length > 0) {
    console.log(`Meta refused flows/${SELLER_FLOW_FILE} (${result.validationErrors.length} validation errors)${args.publish ? '; it was not published' : ''}.`);
    return 1;
  }
  if (result.created) console.log(`Add to .env: WHATSAPP_FLOW_ID=${result.flowId}${result.published ? '' : ' (after publishing it: npm run flow:publish -- --publish)'}`);
  else if (!result.published && result.status === 'DRAFT') console.log('Publish it with: npm run flow:publish -- --publish');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (err instanceof FlowJsonInvalid) {
      console.error(`flows/${SELLER_FLOW_FILE} was not sent: ${err.message}`);
      process.exitCode = 1;
    } else if (err instanceof GraphApiError) {
      console.error(`Graph API refused it: ${err.message}`);
      process.exitCode = 1;
    } else {
      console.error(err instanceof Error ? err.message : String(err));
      process.exitCode = 1;
    }
  },
);
