import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TurnEvent } from '../../dialogs/events.js';
import { eventFromText } from '../../dialogs/toEvent.js';
import type { Reply } from '../../dialogs/reply.js';
import { reach, WAITING_STATES } from './stateCatalog.js';

/**
 * Every state that waits for the customer answers every kind of message (issue 13): a text that
 * is no answer, a photo, a sticker, a voice note each get at least one reply; and fed nothing but
 * unusable messages, no state changes a field, and each offers a way out (an officer, the menu)
 * within three of them.
 */

const PHOTO: TurnEvent = { type: 'PHOTO', source: { kind: 'url', url: 'http://127.0.0.1:9/photo.jpg' } };
const STIMULI: Array<[string, TurnEvent]> = [
  ['a text that answers nothing', eventFromText('hmm')],
  ['a photo', PHOTO],
  ['a sticker', { type: 'UNSUPPORTED', what: 'sticker' }],
  ['a voice note', { type: 'UNSUPPORTED', what: 'audio' }],
];

/** A way out: an officer or the main menu offered as a choice. */
const offersWayOut = (replies: Reply[]) => replies.some((r) => (r.choices ?? []).some((c) => c.value === 'petugas' || c.value === 'menu'));

describe.each(WAITING_STATES)('$name', (state) => {
  it('is reached as described', async () => {
    const c = await reach(state);
    expect((await c.context()).open.kind).toBe(state.open);
  });

  it.each(STIMULI)('answers %s, and a non-photo never changes a field', async (_, event) => {
    const c = await reach(state);
    const before = await c.context();
    const result = await c.send(event);
    expect(result.held).toBe(false);
    expect(result.replies.length).toBeGreaterThan(0);
    const after = await c.context();
    expect(after.application?.fields ?? null).toEqual(before.application?.fields ?? null);
  });
});

/** Messages that answer nothing, as people send them. */
const unusable: fc.Arbitrary<TurnEvent> = fc.oneof(
  fc.constantFrom('hmm', 'hmmm', '?', '??', '...', 'wkwkwk', 'hehe', 'eh', 'lah', 'asdfgh', '🙂', '😂😂', '😅', '!?').map(eventFromText),
  fc.array(fc.constantFrom('😅', '😭', '🤔', '!', '?', '.', ' '), { minLength: 1, maxLength: 5 }).map((parts) => eventFromText(parts.join('') || '?')),
  fc.constantFrom('sticker', 'audio', 'video', 'location', 'contacts').map((what): TurnEvent => ({ type: 'UNSUPPORTED', what })),
);

describe('fed only unusable messages', () => {
  it.each(WAITING_STATES.map((s) => [s.name, s] as const))('%s: no field changes, a way out within three', async (_, state) => {
    await fc.assert(
      fc.asyncProperty(fc.array(unusable, { minLength: 3, maxLength: 6 }), async (inputs) => {
        const c = await reach(state);
        const fields = (await c.context()).application?.fields ?? null;
        let wayOutAt = Infinity;
        for (const [i, input] of inputs.entries()) {
          const result = await c.send(input);
          expect(result.replies.length).toBeGreaterThan(0);
          if (wayOutAt === Infinity && (offersWayOut(result.replies) || (await c.handoffs.openOf(c.key)) !== null)) wayOutAt = i + 1;
          expect((await c.context()).application?.fields ?? null).toEqual(fields);
        }
        expect(wayOutAt).toBeLessThanOrEqual(3);
      }),
      { numRuns: 8 },
    );
  });
});
