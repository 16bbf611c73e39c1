import { describe, expect, it } from 'vitest';
import { formTranscriptText, readFlowReply } from '../../../src/channels/whatsapp/flows/flowReply.js';
import { t } from '../../../src/i18n/messages.js';

/** A messages webhook with a Flow answer, shaped as Meta's webhook reference shows an nfm_reply. */
function flowWebhook(response: unknown) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '628001234567', phone_number_id: '106540352242922' },
              contacts: [{ profile: { name: 'Budi' }, wa_id: '6281234567890' }],
              messages: [
                {
                  context: { from: '628001234567', id: 'wamid.HBgLNjI4MTIzNDU2Nzg5MBUCABEYEjQ1' },
                  from: '6281234567890',
                  id: 'wamid.HBgLNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjA',
                  timestamp: '1796300000',
                  type: 'interactive',
                  interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: typeof response === 'string' ? response : JSON.stringify(response) } },
                },
              ],
            },
          },
        ],
      },
    ],
  };
}
const interactiveOf = (webhook: ReturnType<typeof flowWebhook>) => webhook.entry[0]!.changes[0]!.value.messages[0]!.interactive;

describe('readFlowReply (the seller application Flow answered)', () => {
  it('reads the token and the seven fields, the province from its dropdown id', () => {
    const reply = readFlowReply(
      interactiveOf(
        flowWebhook({
          flow_token: 'v1.abc',
          name: ' Budi Santoso ',
          business_name: 'Keripik Bu Sri',
          product_type: 'makanan ringan',
          city: 'Kepanjen',
          province: '35',
          phone: '0812-3456-7890',
          email: 'budi.santoso@gmial.com',
        }),
      ),
    );
    expect(reply).toEqual({
      token: 'v1.abc',
      answers: { name: 'Budi Santoso', businessName: 'Keripik Bu Sri', productType: 'makanan ringan', city: 'Kepanjen', province: 'Jawa Timur', phone: '0812-3456-7890', email: 'budi.santoso@gmial.com' },
    });
  });

  it('leaves out what is missing, empty, not text, too long, or a province id not offered (the chat asks for those)', () => {
    const reply = readFlowReply(interactiveOf(flowWebhook({ flow_token: 'v1.abc', name: '   ', business_name: 42, city: 'x'.repeat(301), province: '99', email: 'a@b.co', extra: 'ignored' })));
    expect(reply).toEqual({ token: 'v1.abc', answers: { email: 'a@b.co' } });
  });

  it('is none for a reply without a token, with JSON that does not parse, or for other interactive replies', () => {
    expect(readFlowReply(interactiveOf(flowWebhook({ name: 'Budi' })))).toBeUndefined();
    expect(readFlowReply(interactiveOf(flowWebhook('{"flow_token": "v1.abc", "name": "Bu')))).toBeUndefined();
    expect(readFlowReply({ type: 'button_reply', button_reply: { id: 'kirim', title: 'Kirim' } })).toBeUndefined();
    expect(readFlowReply(undefined)).toBeUndefined();
    expect(readFlowReply({ type: 'nfm_reply', nfm_reply: { response_json: 'x'.repeat(20_001) } })).toBeUndefined();
  });

  it('shows an answer to the officers as its fields, labelled, in the form order', () => {
    expect(formTranscriptText({ email: 'a@b.co', name: 'Budi' })).toBe(
      [t('id', 'seller.flow.transcriptHeading'), `${t('id', 'fields.name.label')}: Budi`, `${t('id', 'fields.email.label')}: a@b.co`].join('\n'),
    );
  });
});
