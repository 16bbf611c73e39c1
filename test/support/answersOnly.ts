import type { FieldName, Understanding } from '../../dialogs/understanding.js';
import type { ApplicantData } from '../../src/tickets/types.js';

const FIELDS: FieldName[] = ['name', 'businessName', 'productType', 'city', 'province', 'phone', 'email'];

/**
 * The fields of a filed ticket that are not answers: read back against their own question, each
 * must be an answer (or the value of that very field), never a question, a navigation word, a
 * complaint about the bot or anything else. Issue 13: no ticket of the test suite may hold one.
 */
export async function nonAnswers(applicant: ApplicantData, understanding: Understanding): Promise<string[]> {
  const found: string[] = [];
  for (const field of FIELDS) {
    const value = applicant[field];
    if (!value) continue;
    const act = await understanding.understand(value, { kind: 'field', field });
    const answers = act.kind === 'answer' || (act.kind === 'fields' && act.fields[field] !== undefined);
    if (!answers) found.push(`${field} "${value}" reads as ${act.kind}`);
  }
  return found;
}
