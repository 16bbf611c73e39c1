/**
 * The part of Meta's Flow JSON (WhatsApp Flows, JSON version 7.x) this service writes, as zod
 * schemas with the limits Meta's component reference sets, and the cross-checks Meta's validator
 * makes that a schema alone cannot: every `${data.x}` declared in its screen's `data` with an
 * example, every `${form.x}` naming an input of the screen, input names unique, a terminal screen
 * ending in a Footer. Our own Flow files are checked with it by the tests and again by the
 * publishing script before anything is uploaded; the texts a send puts into `${data.x}` are checked
 * against the limit of the place they go (`checkFlowData`).
 *
 * Written here because no maintained library validates Flow JSON (Meta's validator runs only on
 * upload); only the components this service uses are described, anything else is refused.
 */
import { z } from 'zod';

/** Flow JSON versions Meta accepts for publishing (its changelog, "Currently supported versions"). */
export const PUBLISHABLE_VERSIONS = ['7.0', '7.1', '7.2', '7.3'] as const;

/** Character limits of Meta's component reference. */
export const FLOW_LIMITS = {
  heading: 80,
  body: 4096,
  inputLabel: 20,
  helperText: 80,
  footerLabel: 35,
  dropdownOptions: 200,
  optionTitle: 30,
  componentsPerScreen: 50,
} as const;

const DATA_REF = /^\$\{data\.([a-z_][a-z0-9_]*)\}$/;
const FORM_REF = /^\$\{form\.([a-z_][a-z0-9_]*)\}$/;
const dataRef = z.string().regex(DATA_REF);

/** A static text within `max` characters, or a reference to the screen's data (checked when sent). */
const text = (max: number) => z.union([dataRef, z.string().trim().min(1).max(max)]);

const option = z.object({ id: z.string().min(1).max(100), title: z.string().min(1).max(FLOW_LIMITS.optionTitle) }).strict();

const heading = z.object({ type: z.literal('TextHeading'), text: text(FLOW_LIMITS.heading) }).strict();
const body = z.object({ type: z.literal('TextBody'), text: text(FLOW_LIMITS.body), markdown: z.boolean().optional() }).strict();
const textInput = z
  .object({
    type: z.literal('TextInput'),
    name: z.string().regex(/^[a-z_][a-z0-9_]*$/),
    label: text(FLOW_LIMITS.inputLabel),
    'helper-text': text(FLOW_LIMITS.helperText).optional(),
    'input-type': z.enum(['text', 'number', 'email', 'password', 'passcode', 'phone']),
    required: z.boolean(),
    'min-chars': z.number().int().positive().optional(),
    'max-chars': z.number().int().positive().optional(),
    'init-value': z.string().optional(),
  })
  .strict()
  .refine((c) => c['min-chars'] === undefined || c['max-chars'] === undefined || c['min-chars'] <= c['max-chars'], 'min-chars above max-chars');
const dropdown = z
  .object({
    type: z.literal('Dropdown'),
    name: z.string().regex(/^[a-z_][a-z0-9_]*$/),
    label: text(FLOW_LIMITS.inputLabel),
    'data-source': z.union([dataRef, z.array(option).min(1).max(FLOW_LIMITS.dropdownOptions)]),
    required: z.boolean(),
    'init-value': z.string().optional(),
  })
  .strict();
const footer = z
  .object({
    type: z.literal('Footer'),
    label: text(FLOW_LIMITS.footerLabel),
    'on-click-action': z.object({ name: z.literal('complete'), payload: z.record(z.string(), z.string().regex(FORM_REF)) }).strict(),
  })
  .strict();

const component = z.discriminatedUnion('type', [heading, body, textInput, dropdown, footer]);
export type FlowComponent = z.infer<typeof component>;

const dataDeclaration = z.object({ type: z.enum(['string', 'number', 'boolean', 'object', 'array']), __example__: z.unknown() }).passthrough();

const screen = z
  .object({
    id: z.string().regex(/^[A-Z][A-Z_]*$/).refine((id) => id !== 'SUCCESS', 'SUCCESS is a reserved screen id'),
    title: z.string().min(1),
    terminal: z.boolean().optional(),
    success: z.boolean().optional(),
    data: z.record(z.string(), dataDeclaration).optional(),
    layout: z.object({ type: z.literal('SingleColumnLayout'), children: z.array(component).min(1).max(FLOW_LIMITS.componentsPerScreen) }).strict(),
  })
  .strict();

export const flowJsonSchema = z
  .object({
    version: z.enum(PUBLISHABLE_VERSIONS),
    screens: z.array(screen).min(1),
  })
  .strict();
export type FlowJson = z.infer<typeof flowJsonSchema>;
export type FlowScreen = FlowJson['screens'][number];

/** Every string of a component, with the limit of the place it stands in (undefined: no text limit). */
function textsOf(c: FlowComponent): Array<{ value: string; max: number | undefined; where: string }> {
  switch (c.type) {
    case 'TextHeading':
      return [{ value: c.text, max: FLOW_LIMITS.heading, where: 'TextHeading' }];
    case 'TextBody':
      return [{ value: c.text, max: FLOW_LIMITS.body, where: 'TextBody' }];
    case 'TextInput':
      return [
        { value: c.label, max: FLOW_LIMITS.inputLabel, where: `${c.name} label` },
        ...(c['helper-text'] !== undefined ? [{ value: c['helper-text'], max: FLOW_LIMITS.helperText, where: `${c.name} helper-text` }] : []),
        ...(c['init-value'] !== undefined ? [{ value: c['init-value'], max: c['max-chars'], where: `${c.name} init-value` }] : []),
      ];
    case 'Dropdown':
      return [
        { value: c.label, max: FLOW_LIMITS.inputLabel, where: `${c.name} label` },
        ...(typeof c['data-source'] === 'string' ? [{ value: c['data-source'], max: undefined, where: `${c.name} data-source` }] : []),
        ...(c['init-value'] !== undefined ? [{ value: c['init-value'], max: undefined, where: `${c.name} init-value` }] : []),
      ];
    case 'Footer':
      return [{ value: c.label, max: FLOW_LIMITS.footerLabel, where: 'Footer label' }];
  }
}

/**
 * What is wrong with a Flow JSON document, as Meta's validator would say it (empty when nothing):
 * the schema above, then the cross-references within each screen.
 */
export function checkFlowJson(document: unknown): string[] {
  const parsed = flowJsonSchema.safeParse(document);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`);
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const s of parsed.data.screens) {
    if (ids.has(s.id)) problems.push(`${s.id}: screen id used twice`);
    ids.add(s.id);
    const children = s.layout.children;
    const inputs = children.filter((c) => c.type === 'TextInput' || c.type === 'Dropdown').map((c) => c.name);
    for (const name of new Set(inputs)) if (inputs.filter((n) => n === name).length > 1) problems.push(`${s.id}: input name ${name} used twice`);
    const footers = children.filter((c) => c.type === 'Footer');
    if (footers.length > 1) problems.push(`${s.id}: more than one Footer`);
    if (s.terminal && (footers.length !== 1 || children.at(-1)?.type !== 'Footer')) problems.push(`${s.id}: a terminal screen ends with its Footer`);
    const declared = s.data ?? {};
    for (const c of children) {
      for (const { value, where } of textsOf(c)) {
        const ref = DATA_REF.exec(value)?.[1];
        if (ref !== undefined && !(ref in declared)) problems.push(`${s.id}: ${where} refers to data.${ref}, which the screen does not declare`);
      }
      if (c.type === 'Footer') {
        for (const [key, value] of Object.entries(c['on-click-action'].payload)) {
          const ref = FORM_REF.exec(value)?.[1];
          if (ref === undefined || !inputs.includes(ref)) problems.push(`${s.id}: Footer payload ${key} refers to ${value}, not an input of the screen`);
        }
      }
    }
  }
  return problems;
}

/**
 * What is wrong with the data a send gives a screen (`flow_action_payload.data`): every declared
 * key given, with a value of its declared type, and each text within the limit of the place it is
 * shown (a label of 20 characters, a helper text of 80, an option title of 30, an initial value
 * within its input's max-chars).
 */
export function checkFlowData(screen: FlowScreen, data: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const declared = screen.data ?? {};
  for (const [key, declaration] of Object.entries(declared)) {
    const value = data[key];
    const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
    if (type !== declaration.type) problems.push(`data.${key}: ${type} where ${declaration.type} is declared`);
  }
  for (const key of Object.keys(data)) if (!(key in declared)) problems.push(`data.${key}: not declared by screen ${screen.id}`);
  for (const c of screen.layout.children) {
    for (const { value, max, where } of textsOf(c)) {
      const ref = DATA_REF.exec(value)?.[1];
      if (ref === undefined) continue;
      const given = data[ref];
      if (typeof given === 'string') {
        if (max !== undefined && [...given].length > max) problems.push(`data.${ref} (${where}): ${[...given].length} characters, the limit is ${max}`);
        // An initial value may be empty (nothing known to prefill); a text shown may not.
        if (given.trim() === '' && !where.endsWith('init-value')) problems.push(`data.${ref} (${where}): empty`);
      } else if (where.endsWith('data-source')) {
        const options = z.array(option).min(1).max(FLOW_LIMITS.dropdownOptions).safeParse(given);
        if (!options.success) problems.push(`data.${ref} (${where}): ${options.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
      }
    }
  }
  return problems;
}
