import { describe, expect, it } from 'vitest';
import { BUSINESS_NAME_MAX, BUSINESS_NAME_MIN, NAME_MAX, NAME_MIN, PRODUCT_TYPE_MAX, PRODUCT_TYPE_MIN } from '../../../dialogs/fields/names.js';
import { CITY_MAX, CITY_MIN } from '../../../dialogs/fields/city.js';
import { EMAIL_MAX } from '../../../dialogs/fields/email.js';
import { provinceNames } from '../../../dialogs/fields/province.js';
import { checkFlowData, checkFlowJson, FLOW_LIMITS, type FlowComponent } from '../../../src/channels/whatsapp/flows/flowJson.js';
import { provinceOptions, SELLER_FLOW_SCREEN, sellerFlow, sellerFlowData } from '../../../src/channels/whatsapp/flows/sellerFlow.js';
import { t } from '../../../src/i18n/messages.js';

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const screenOf = () => {
  const screen = sellerFlow().json.screens.find((s) => s.id === SELLER_FLOW_SCREEN);
  if (!screen) throw new Error('no screen');
  return screen;
};
const inputs = () => screenOf().layout.children.filter((c): c is Extract<FlowComponent, { type: 'TextInput' | 'Dropdown' }> => c.type === 'TextInput' || c.type === 'Dropdown');

describe('the seller application Flow (flows/seller-application.json)', () => {
  it('keeps the rules of Flow JSON 7.x that it relies on', () => {
    const document = JSON.parse(sellerFlow().text) as unknown;
    expect(checkFlowJson(document)).toEqual([]);
    expect(sellerFlow().json.version).toMatch(/^7\.\d$/);
  });

  it('asks the seven fields in one screen, and its Footer sends each of them back', () => {
    const screen = screenOf();
    expect(screen.terminal).toBe(true);
    expect(inputs().map((c) => [c.name, c.type === 'TextInput' ? c['input-type'] : 'dropdown', c.required])).toEqual([
      ['name', 'text', true],
      ['business_name', 'text', true],
      ['product_type', 'text', true],
      ['city', 'text', true],
      ['province', 'dropdown', true],
      ['phone', 'phone', true],
      ['email', 'email', true],
    ]);
    const footer = screen.layout.children.at(-1);
    expect(footer?.type).toBe('Footer');
    if (footer?.type !== 'Footer') return;
    expect(Object.entries(footer['on-click-action'].payload)).toEqual(inputs().map((c) => [c.name, `\${form.${c.name}}`]));
  });

  it('limits each text field on the phone as the chat does (the phone never refuses what the bot takes, nor the reverse)', () => {
    const limits = Object.fromEntries(inputs().flatMap((c) => (c.type === 'TextInput' ? [[c.name, [c['min-chars'], c['max-chars']]]] : [])));
    expect(limits).toEqual({
      name: [NAME_MIN, NAME_MAX],
      business_name: [BUSINESS_NAME_MIN, BUSINESS_NAME_MAX],
      product_type: [PRODUCT_TYPE_MIN, PRODUCT_TYPE_MAX],
      city: [CITY_MIN, CITY_MAX],
      phone: [undefined, 20],
      email: [undefined, EMAIL_MAX],
    });
  });

  it.each(['id', 'en'] as const)('gets every text from locales/%s.json, within the limit of where it is shown', (locale) => {
    const data = sellerFlowData(locale);
    expect(checkFlowData(screenOf(), data)).toEqual([]);
    expect(data.name_label).toBe(t(locale, 'seller.flow.nameLabel'));
    expect(data.submit_label).toBe(t(locale, 'seller.flow.submitLabel'));
    expect(data.name_init).toBe('');
    expect(data.phone_init).toBe('');
    expect([...t(locale, 'seller.flow.cta')].length).toBeLessThanOrEqual(20);
    expect(t(locale, 'seller.flow.cta')).not.toMatch(/\p{Extended_Pictographic}/u);
  });

  it('offers the 38 provinces by their stored names, alphabetically, each a short enough option', () => {
    const options = provinceOptions();
    expect(options).toHaveLength(38);
    expect(new Set(options.map((o) => o.id)).size).toBe(38);
    expect(options.map((o) => o.title).sort()).toEqual([...provinceNames()].sort());
    expect(options.map((o) => o.title)).toEqual([...options.map((o) => o.title)].sort((a, b) => a.localeCompare(b, 'id')));
    for (const o of options) expect([...o.title].length).toBeLessThanOrEqual(FLOW_LIMITS.optionTitle);
    expect(options.find((o) => o.title === 'Jawa Timur')?.id).toBe('35');
  });

  it('prefills the WhatsApp profile name and a mobile number, never a landline', () => {
    expect(sellerFlowData('id', { name: '  Budi Santoso ', phone: '+6281234567890' })).toMatchObject({ name_init: 'Budi Santoso', phone_init: '081234567890' });
    expect(sellerFlowData('id', { phone: '+62215551234' }).phone_init).toBe('');
  });
});

describe('checkFlowJson and checkFlowData refuse what Meta would', () => {
  const base = () => clone(JSON.parse(sellerFlow().text) as { version: string; screens: Array<{ data: Record<string, unknown>; layout: { children: Array<Record<string, unknown>> } }> });

  it.each([
    ['an unsupported version', (d: ReturnType<typeof base>) => void (d.version = '2.1'), /version/],
    ['a text referring to undeclared data', (d: ReturnType<typeof base>) => void delete d.screens[0]!.data.name_label, /data\.name_label, which the screen does not declare/],
    ['a payload naming no input', (d: ReturnType<typeof base>) => void ((d.screens[0]!.layout.children.at(-1)!['on-click-action'] as { payload: Record<string, string> }).payload.extra = '${form.nope}'), /payload extra/],
    ['a static label over 20 characters', (d: ReturnType<typeof base>) => void (d.screens[0]!.layout.children[2]!.label = 'Nama lengkap pemohon seller'), /label/],
    ['two inputs of one name', (d: ReturnType<typeof base>) => void (d.screens[0]!.layout.children[3]!.name = 'name'), /input name name used twice/],
    ['a terminal screen without its Footer', (d: ReturnType<typeof base>) => void d.screens[0]!.layout.children.pop(), /ends with its Footer/],
    ['a component it does not know', (d: ReturnType<typeof base>) => void d.screens[0]!.layout.children.splice(1, 0, { type: 'PhotoPicker', name: 'photo' }), /type/],
    ['min-chars above max-chars', (d: ReturnType<typeof base>) => void (d.screens[0]!.layout.children[2]!['min-chars'] = 90), /min-chars above max-chars/],
  ])('%s', (_name, mutate, problem) => {
    const document = base();
    mutate(document);
    const problems = checkFlowJson(document);
    expect(problems.join('\n')).toMatch(problem);
  });

  it('a send whose texts do not fit, or whose data is not what the screen declares', () => {
    const data = sellerFlowData('id');
    expect(checkFlowData(screenOf(), { ...data, name_label: 'Nama lengkap pemohon seller' }).join('\n')).toMatch(/data\.name_label \(name label\): 27 characters, the limit is 20/);
    expect(checkFlowData(screenOf(), { ...data, phone_help: 'x'.repeat(81) }).join('\n')).toMatch(/phone_help.*the limit is 80/);
    expect(checkFlowData(screenOf(), { ...data, extra: 'x' }).join('\n')).toMatch(/data\.extra: not declared/);
    const { email_label: _dropped, ...missing } = data;
    expect(checkFlowData(screenOf(), missing).join('\n')).toMatch(/data\.email_label: undefined where string is declared/);
    expect(checkFlowData(screenOf(), { ...data, provinces: [] }).join('\n')).toMatch(/data\.provinces/);
    expect(checkFlowData(screenOf(), { ...data, submit_label: '  ' }).join('\n')).toMatch(/submit_label.*empty/);
  });
});
