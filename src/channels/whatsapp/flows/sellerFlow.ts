/**
 * The seller application as a WhatsApp Flow: its Flow JSON (flows/seller-application.json, one
 * screen with the seven fields) and the data a send gives that screen. Every text of the form is a
 * `${data.x}` of the screen, filled from locales/ in the conversation's language when the Flow is
 * sent, so one published Flow serves Indonesian and English; the province is a dropdown of the 38
 * provinces of the data set, by name; the applicant's WhatsApp name and number are prefilled.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectDir } from '../../../projectDir.js';
import { provinceEntries } from '../../../../dialogs/fields/province.js';
import { t, type Locale } from '../../../i18n/messages.js';
import { readIndonesianPhone } from '../../../phone.js';
import { checkFlowData, checkFlowJson, flowJsonSchema, type FlowJson, type FlowScreen } from './flowJson.js';

/** The screen the Flow opens on (flow_action_payload.screen). */
export const SELLER_FLOW_SCREEN = 'APPLICATION';

/** The file's name in flows/, and the name it is uploaded under. */
export const SELLER_FLOW_FILE = 'seller-application.json';

/** flows/ at the top of the project. */
export function flowsDir(): string {
  return projectDir('flows', SELLER_FLOW_FILE, import.meta.url);
}

let loaded: { text: string; json: FlowJson } | undefined;

/** The Flow JSON file's text, as uploaded (unchecked: publishFlow checks it and says what is wrong). */
export function sellerFlowText(): string {
  return fs.readFileSync(path.join(flowsDir(), SELLER_FLOW_FILE), 'utf8');
}

/** The Flow JSON as stored (the bytes uploaded) and parsed; refused when it breaks a rule of checkFlowJson. */
export function sellerFlow(): { text: string; json: FlowJson } {
  if (loaded) return loaded;
  const text = sellerFlowText();
  const document = JSON.parse(text) as unknown;
  const problems = checkFlowJson(document);
  if (problems.length > 0) throw new Error(`flows/${SELLER_FLOW_FILE}: ${problems.join('; ')}`);
  loaded = { text, json: flowJsonSchema.parse(document) };
  return loaded;
}

function sellerScreen(): FlowScreen {
  const screen = sellerFlow().json.screens.find((s) => s.id === SELLER_FLOW_SCREEN);
  if (!screen) throw new Error(`flows/${SELLER_FLOW_FILE} has no screen ${SELLER_FLOW_SCREEN}`);
  return screen;
}

/** What WhatsApp tells about the applicant, to prefill. */
export interface FlowPrefill {
  name?: string;
  /** E.164 (+628…), as the webhook gives the sender. */
  phone?: string;
}

/** The province dropdown: BPS code as id, stored name as title, alphabetical (a list of 38 is searched by eye). */
export function provinceOptions(): Array<{ id: string; title: string }> {
  return provinceEntries()
    .map((p) => ({ id: p.code, title: p.name }))
    .sort((a, b) => a.title.localeCompare(b.title, 'id'));
}

/** A mobile number as the form shows it to be edited: national digits (081234567890); anything else is not prefilled. */
function phoneForForm(e164: string | undefined): string {
  if (!e164) return '';
  const reading = readIndonesianPhone(e164);
  return reading.kind === 'mobile' ? `0${reading.e164.slice(3)}` : '';
}

/**
 * The screen's data for a send (flow_action_payload.data) in `locale`. Throws when a text does not
 * fit where it is shown (a locale edited past a limit), so that no Flow is sent that WhatsApp
 * would refuse or cut.
 */
export function sellerFlowData(locale: Locale, prefill: FlowPrefill = {}): Record<string, unknown> {
  const s = (key: string) => t(locale, `seller.flow.${key}`);
  const data: Record<string, unknown> = {
    heading: s('heading'),
    intro: s('intro'),
    name_label: s('nameLabel'),
    name_help: s('nameHelp'),
    name_init: (prefill.name ?? '').trim().slice(0, 80),
    business_name_label: s('businessNameLabel'),
    business_name_help: s('businessNameHelp'),
    product_type_label: s('productTypeLabel'),
    product_type_help: s('productTypeHelp'),
    city_label: s('cityLabel'),
    city_help: s('cityHelp'),
    province_label: s('provinceLabel'),
    provinces: provinceOptions(),
    phone_label: s('phoneLabel'),
    phone_help: s('phoneHelp'),
    phone_init: phoneForForm(prefill.phone),
    email_label: s('emailLabel'),
    email_help: s('emailHelp'),
    submit_label: s('submitLabel'),
  };
  const problems = checkFlowData(sellerScreen(), data);
  if (problems.length > 0) throw new Error(`seller Flow data (${locale}): ${problems.join('; ')}`);
  return data;
}
