import type { FieldKey } from './fields/index.js';

/** A step the applicant can name instead of answering: "batal", "ubah email", "lewati", ... */
export type Command =
  | { kind: 'cancel' }
  | { kind: 'yes' }
  | { kind: 'no' }
  | { kind: 'skip' }
  | { kind: 'officer' }
  | { kind: 'edit'; field: EditableField | null }
  | { kind: 'greeting' }
  | { kind: 'language'; locale: 'id' | 'en' };

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

const YES = new Set(['ya', 'iya', 'iy', 'y', 'yes', 'yaa', 'iyaa', 'ok', 'oke', 'okay', 'okey', 'okee', 'sip', 'siap', 'betul', 'benar', 'bener', 'setuju', 'lanjut', 'kirim', 'yup', 'yap', 'yoi', 'boleh', 'ya betul', 'ya benar', 'iya benar', 'iya betul', 'sudah benar', 'udah bener', 'sudah', 'udah', 'ya kirim', 'kirim sekarang', 'confirm', 'send', 'correct', 'right', 'sure', 'sudah selesai', 'udah selesai', 'udah beres', 'sudah beres', 'selesai', 'it is solved', 'solved']);
const NO = new Set(['tidak', 'tdk', 'gak', 'ga', 'gk', 'nggak', 'ngga', 'enggak', 'engga', 'no', 'bukan', 'salah', 'tidak benar', 'bukan itu', 'nope', 'tak', 'kembali', 'back', 'balik', 'tidak jadi ubah', 'gak jadi ubah', 'belum', 'blm', 'belum selesai', 'blm selesai', 'masih belum', 'belum beres', 'not yet', 'not solved yet', 'no it is not']);
const CANCEL = new Set(['batal', 'batalkan', 'cancel', 'stop', 'berhenti', 'gak jadi', 'ga jadi', 'nggak jadi', 'enggak jadi', 'tidak jadi', 'gajadi', 'gak jd', 'ga jd', 'batal aja', 'batal saja', 'udahan']);
const SKIP = new Set(['lewati', 'lewat', 'skip', 'nanti', 'nanti saja', 'tidak ada', 'gak ada', 'ga ada', 'tidak ada foto', 'lewati saja']);
const ENGLISH = /^(english|in english|english please|english pls|bahasa inggris|inggris|can we speak english|do you speak english)$/;
const INDONESIAN = /^(bahasa indonesia|indonesia|indonesian|bahasa|pakai bahasa indonesia|in indonesian)$/;
const GREETING = /^(halo|hallo|hai|hi|hello|helo|hey|pagi|siang|sore|malam|selamat (pagi|siang|sore|malam)|assalamualaikum|assalamu alaikum|salam|permisi|p|min|kak|test|tes)( (min|kak|admin|pln|bang|mas|mbak))*$/;

const EDIT_VERB = /^(?:ubah|ganti|edit|koreksi|perbaiki|revisi|change|ralat)\b\s*(.*)$/;
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

/**
 * Reads a message as a command when the whole message is one. Answers to questions are never
 * mistaken for commands, because only exact short phrases match ("batal", not "Toko Batal Jaya").
 */
export function interpretCommand(text: string): Command | null {
  const s = normalizeCommandText(text);
  if (s === '') return null;
  if (CANCEL.has(s)) return { kind: 'cancel' };
  if (YES.has(s)) return { kind: 'yes' };
  if (NO.has(s)) return { kind: 'no' };
  if (SKIP.has(s)) return { kind: 'skip' };
  if (asksForOfficer(s)) return { kind: 'officer' };
  const edit = EDIT_VERB.exec(s);
  if (edit) {
    const rest = (edit[1] ?? '').trim();
    if (rest === '' || rest === 'data') return { kind: 'edit', field: null };
    const field = fieldFromWord(rest);
    if (field) return { kind: 'edit', field };
  }
  if (GREETING.test(s)) return { kind: 'greeting' };
  if (ENGLISH.test(s)) return { kind: 'language', locale: 'en' };
  if (INDONESIAN.test(s)) return { kind: 'language', locale: 'id' };
  return null;
}

const ENGLISH_HINTS = /\b(i|i'm|im|want|would|like|to|become|how|what|the|please|hello|register|sell|my|is|can|you|help|thanks|thank)\b/g;

/** A rough guess that a message is English, to offer the English version of the conversation. */
export function looksEnglish(text: string): boolean {
  const words = normalizeCommandText(text).split(' ').filter(Boolean);
  if (words.length < 2) return false;
  const hits = normalizeCommandText(text).match(ENGLISH_HINTS)?.length ?? 0;
  return hits / words.length >= 0.4;
}

/** Words for a person at PLN 123 (multi-word ones are joined with "_" first). */
const PERSON = new Set(['petugas', 'cs', 'customer_service', 'customer_care', 'call_center', 'agen', 'agent', 'operator', 'admin', 'adminnya', 'manusia', 'orang', 'orang_asli', 'human', 'live_agent', 'live_chat', 'cso', 'officer', 'staf', 'staff', 'pegawai', 'karyawan', 'person', 'someone', 'somebody', 'representative', 'bukan_bot']);
/** The rest of a request for a person: politeness, wanting, talking, connecting, particles. */
const REQUEST_WORDS = new Set([
  'saya', 'aku', 'sy', 'gw', 'gue', 'aq', 'kami', 'kak', 'kakak', 'min', 'mimin', 'pak', 'bu', 'mas', 'mbak', 'bang', 'halo', 'hai', 'tolong', 'mohon', 'bisa', 'boleh', 'apa', 'apakah', 'ada',
  'mau', 'minta', 'ingin', 'pengen', 'pgn', 'pengin', 'butuh', 'perlu', 'bicara', 'berbicara', 'ngobrol', 'ngomong', 'chat', 'chatting', 'bantuan', 'dibantu', 'bantu', 'hubungkan', 'sambungkan',
  'disambungkan', 'dihubungkan', 'hubungi', 'menghubungi', 'alihkan', 'dialihkan', 'langsung', 'dengan', 'sama', 'sm', 'ke', 'dgn', 'ama', 'oleh', 'yang', 'yg', 'asli', 'saja', 'aja', 'dong',
  'ya', 'deh', 'nih', 'pln', 'nya', 'sekarang', 'skrg', 'segera', 'please', 'pls', 'plz', 'i', 'we', 'want', 'need', 'would', 'like', 'to', 'can', 'could', 'may', 'talk', 'speak', 'chat', 'connect',
  'transfer', 'me', 'with', 'a', 'an', 'the', 'real', 'live', 'now', 'your', 'help',
]);
const PHRASES: Array<[RegExp, string]> = [
  [/\bcustomer (service|care)\b/g, 'customer_$1'],
  [/\bcall ?cent(er|re)\b/g, 'call_center'],
  [/\blive (agent|chat)\b/g, 'live_$1'],
  [/\borang (asli|beneran)\b/g, 'orang_asli'],
  [/\bbukan (bot|robot|mesin)\b/g, 'bukan_bot'],
];

/**
 * Whether a whole message asks for a person ("mau ngobrol sama cs aja", "bisa dibantu petugas?",
 * "talk to a human please"). Every word must belong to such a request, so an answer that merely
 * contains one of the words ("Toko Admin Jaya", "jasa admin medsos") is never taken for one.
 */
export function asksForOfficer(normalized: string): boolean {
  let s = normalized;
  for (const [re, joined] of PHRASES) s = s.replace(re, joined);
  const words = s.split(' ').filter(Boolean);
  if (words.length === 0 || words.length > 12) return false;
  return words.some((w) => PERSON.has(w)) && words.every((w) => PERSON.has(w) || REQUEST_WORDS.has(w));
}
