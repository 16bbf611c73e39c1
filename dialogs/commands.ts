/**
 * Words that name a field of the form ("ubah email", "hp", "the email"), for choosing which one to
 * change; and the light normalisation menu words are matched with. What a message *is* (yes, no,
 * a correction, a question, …) is the understanding step's business (src/nlu/understanding).
 */
import type { FieldKey } from './fields/index.js';

export type EditableField = FieldKey | 'photo';

/** Lower-case, strip punctuation and emoji at the ends, collapse spaces, fold repeated letters of short words ("iyaaa"). */
export function normalizeCommandText(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}@.\-\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.-]+|[.-]+$/g, '')
    .trim();
}

/**
 * "kirim" and its kin: what the summary's submit button sends, typed where something is still
 * missing (the photo), so that the answer says what is missing rather than "not an answer".
 */
const SUBMIT_WORDS = /^(?:(?:langsung|ya|oke?|ok)\s+)?(?:kirim|submit|send)(?:\s+(?:aja|saja|sekarang|data(?:nya)?|permohonan(?:nya)?|formulir(?:nya)?|now|it))?(?:\s+(?:min|kak|ka|gan|sis|pak|bu|ya|yah|dong|deh|please|pls))*$/;

/** Whether the text asks to send the application ("kirim", "kirim aja", "submit"). */
export function asksToSubmit(text: string): boolean {
  return SUBMIT_WORDS.test(normalizeCommandText(text));
}

const FIELD_WORDS: Array<[RegExp, EditableField]> = [
  [/^(nama\s*usaha|usaha|toko|nama\s*toko|bisnis|business|business\s*name|shop|store)$/, 'businessName'],
  [/^(nama|nama\s*pemohon|name|nama\s*saya|full\s*name|applicant\s*name)$/, 'name'],
  [/^(jenis\s*produk|produk|product|jenis|product\s*type|products)$/, 'productType'],
  [/^(kota|kabupaten|kab|city)$/, 'city'],
  [/^(provinsi|prov|propinsi|province)$/, 'province'],
  [/^(telepon|telpon|telp|tlp|hp|no\s*hp|nomor|nomor\s*hp|no\s*telepon|nomor\s*telepon|no\s*telp|wa|nomor\s*wa|phone|phone\s*number|number|mobile|mobile\s*number)$/, 'phone'],
  [/^(email|e-mail|e\s*mail|surel|imel|email\s*address)$/, 'email'],
  [/^(foto|gambar|photo|picture|foto\s*produk)$/, 'photo'],
];

/** Which field a word names ("hp" -> phone, "the email" -> email), or null. */
export function fieldFromWord(word: string): EditableField | null {
  const w = normalizeCommandText(word).replace(/^(the|my|ubah|ganti|change)\s+/, '').replace(/nya$/, '');
  return FIELD_WORDS.find(([re]) => re.test(w))?.[1] ?? null;
}
