/**
 * Text normalisation for the Marketplace classifier, applied identically to the training corpus
 * and to incoming messages: people write to PLN 123 on WhatsApp / Instagram / Messenger in
 * informal Indonesian ("gak bisa bayar pake icon cash min 😭", "udh 3x tolooong"), so both
 * models see one canonical vocabulary instead of a dozen spellings of "tidak" or "sudah".
 *
 * @example normalizeText('Min, udh bayar tp blm masuk!!! 😭') // 'sudah bayar tapi belum masuk'
 */
import { TICKET_NUMBER_PATTERN } from '../core/ticketNumbers.js';

/** The token a ticket number becomes, so "cek ITSM-20261124-00001" and "cek itsm 2026..." look alike. */
export const TICKET_TOKEN = 'nomortiket';

/**
 * Phrases rewritten before tokenising (multi-word spellings of one idea, English phrases).
 * Applied in order on the lower-cased, punctuation-free text, on word boundaries.
 */
const PHRASES: ReadonlyArray<readonly [string, string]> = [
  ['vendor invoicing portal', 'vip'],
  ['invoicing portal vendor', 'vip'],
  ['portal invoicing vendor', 'vip'],
  ['invoicing portal', 'vip'],
  ['portal invoicing', 'vip'],
  ['vendor portal', 'vip'],
  ['portal vendor', 'vip'],
  ['single sign on', 'sso'],
  ['customer service', 'cs'],
  ['customer care', 'cs'],
  ['call center', 'cs'],
  ['icon cash', 'iconcash'],
  ['market place', 'marketplace'],
  ['pln mobile', 'plnmobile'],
  ['e voucher', 'voucher'],
  ['credit card', 'kartu kredit'],
  ['kartu kredit', 'kartukredit'],
  ['bank transfer', 'transfer bank'],
  ['virtual account', 'va'],
  ['kata sandi', 'password'],
  ['log in', 'login'],
  ['sign in', 'login'],
  ['sign up', 'daftar'],
  ['can not', 'tidak bisa'],
  ['e mail', 'email'],
  ['terima kasih', 'terimakasih'],
  ['tut tut', 'tut'],
  ['top up', 'topup'],
  ['not match', 'tidak sesuai'],
  ['doesnt match', 'tidak sesuai'],
  ['dont match', 'tidak sesuai'],
  ['didnt match', 'tidak sesuai'],
  // Javanese / Sundanese courtesies: one canonical form each
  ['nuwun sewu', 'permisi'],
  ['sugeng enjing', 'selamat pagi'],
  ['sugeng siang', 'selamat siang'],
  ['sugeng sonten', 'selamat sore'],
  ['sugeng dalu', 'selamat malam'],
  ['wilujeng enjing', 'selamat pagi'],
  ['wilujeng siang', 'selamat siang'],
  ['teu acan', 'belum'],
  ['nyuwun sewu', 'permisi'],
  ['nyuwun pangapunten', 'maaf'],
  ['matur nuwun', 'terimakasih'],
  ['matur suwun', 'terimakasih'],
  ['hatur nuhun', 'terimakasih'],
  ['kados pundi', 'bagaimana'],
  ['kumaha carana', 'bagaimana cara'],
];

/**
 * One word -> its canonical form (one or more words; '' drops the word). Kept small and generic:
 * common chat abbreviations, slang and the English words people mix in. Not tuned per message.
 */
export const SLANG: Readonly<Record<string, string>> = {
  // negation
  ga: 'tidak', gak: 'tidak', gk: 'tidak', g: 'tidak', nggak: 'tidak', ngga: 'tidak', ngak: 'tidak',
  enggak: 'tidak', engga: 'tidak', kagak: 'tidak', gag: 'tidak', gx: 'tidak', tdk: 'tidak', tak: 'tidak',
  ndak: 'tidak', nda: 'tidak', not: 'tidak', no: 'nomor', gabisa: 'tidak bisa', gbs: 'tidak bisa',
  gbisa: 'tidak bisa', gamau: 'tidak mau', cant: 'tidak bisa', cannot: 'tidak bisa', bkn: 'bukan',
  // time / aspect
  udah: 'sudah', udh: 'sudah', sdh: 'sudah', dah: 'sudah', uda: 'sudah', sudh: 'sudah',
  blm: 'belum', belom: 'belum', blom: 'belum', blum: 'belum', lom: 'belum', skrg: 'sekarang',
  skrng: 'sekarang', skg: 'sekarang', kmrn: 'kemarin', kemaren: 'kemarin', kmren: 'kemarin',
  kpn: 'kapan', sblm: 'sebelum', stlh: 'setelah', lg: 'lagi', trs: 'terus', trus: 'terus',
  mulu: 'terus', tadi: 'tadi', td: 'tadi',
  // pronouns
  sy: 'saya', aku: 'saya', aq: 'saya', ak: 'saya', gue: 'saya', gw: 'saya', gua: 'saya', ane: 'saya',
  sya: 'saya', saia: 'saya', ku: 'saya', i: 'saya', my: 'saya', me: 'saya', we: 'kami', our: 'kami',
  // address terms ("min", "kak", "gan") carry no meaning for the classifier; "admin" is kept
  min: '', mimin: '', minn: '', kak: '', ka: '', kk: '', kakak: '', kaka: '', sis: '', gan: '', bro: '',
  bang: '', mas: '', mbak: '', mba: '', pak: '', bu: '', bapak: '', ibu: '', org: 'orang',
  // function words
  yg: 'yang', yng: 'yang', dgn: 'dengan', dg: 'dengan', dng: 'dengan', utk: 'untuk', untk: 'untuk',
  tp: 'tapi', tpi: 'tapi', krn: 'karena', karna: 'karena', krna: 'karena', dr: 'dari', sm: 'sama',
  jd: 'jadi', jdi: 'jadi', aja: 'saja', aj: 'saja', ajah: 'saja', jg: 'juga', jga: 'juga',
  bgt: 'banget', bngt: 'banget', pdhl: 'padahal', padahl: 'padahal', hrs: 'harus', tsb: 'tersebut',
  bbrp: 'beberapa', cr: 'cara', dftr: 'daftar', almt: 'alamat', brg: 'barang', dtg: 'datang',
  msh: 'masih', mslh: 'masalah', tgl: 'tanggal', bln: 'bulan', thn: 'tahun', hr: 'hari', mgg: 'minggu',
  jgn: 'jangan', pake: 'pakai', dipake: 'dipakai', bener: 'benar', bnr: 'benar', kyk: 'seperti',
  kayak: 'seperti', ky: 'seperti', emg: 'memang', cm: 'cuma', sj: 'saja', pny: 'punya', bnyk: 'banyak',
  sll: 'selalu', sllu: 'selalu', lgsg: 'langsung', kl: 'kalau', klo: 'kalau', kalo: 'kalau', br: 'baru',
  hbs: 'habis', nunggu: 'tunggu', lbh: 'lebih', dlm: 'dalam', pd: 'pada', lwt: 'lewat', oke: 'ok',
  okey: 'ok', okay: 'ok', sdg: 'sedang', brp: 'berapa', brapa: 'berapa', dpt: 'dapat', dapet: 'dapat', sampe: 'sampai',
  smpe: 'sampai', nyampe: 'sampai', nyampai: 'sampai', bs: 'bisa', bsa: 'bisa', mo: 'mau',
  pengen: 'mau', pgn: 'mau', pingin: 'mau', pengin: 'mau', ingin: 'mau', want: 'mau',
  gmn: 'bagaimana', gimana: 'bagaimana', gmana: 'bagaimana', gmna: 'bagaimana', bgmn: 'bagaimana',
  how: 'bagaimana', knp: 'kenapa', napa: 'kenapa', knapa: 'kenapa', why: 'kenapa', dmn: 'dimana',
  tlg: 'tolong', tolongin: 'tolong', tlong: 'tolong', please: 'tolong', pls: 'tolong', plz: 'tolong',
  help: 'bantu', bikin: 'buat', bkin: 'buat', bikinin: 'buat', buatin: 'buat', liat: 'lihat',
  lht: 'lihat', keliatan: 'terlihat', kliatan: 'terlihat', kelihatan: 'terlihat', nongol: 'muncul',
  ilang: 'hilang', duit: 'uang', nyangkut: 'macet', stuck: 'macet', muter: 'loading',
  makasih: 'terimakasih', mksh: 'terimakasih', makasi: 'terimakasih', thx: 'terimakasih',
  thanks: 'terimakasih', tq: 'terimakasih', trims: 'terimakasih', tks: 'terimakasih',
  // fillers that carry no meaning here
  dong: '', deh: '', sih: '', nih: '', kok: '', ko: '', loh: '', lho: '', yah: '', ya: '', tuh: '',
  kah: '', the: '', to: '', a: '', is: '', in: '', on: '', of: '',
  // domain vocabulary
  nmr: 'nomor', nomer: 'nomor', nmor: 'nomor', hp: 'telepon', handphone: 'telepon', hape: 'telepon',
  ponsel: 'telepon', telp: 'telepon', tlp: 'telepon', telpon: 'telepon', phone: 'telepon',
  wa: 'whatsapp', imel: 'email', emel: 'email', surel: 'email',
  pw: 'password', pass: 'password', pwd: 'password', sandi: 'password', forgot: 'lupa',
  registrasi: 'daftar', register: 'daftar', regis: 'daftar', registration: 'daftar', signup: 'daftar',
  store: 'toko', shop: 'toko', lapak: 'toko', olshop: 'toko', seller: 'penjual', merchant: 'penjual',
  pedagang: 'penjual', sell: 'jual', selling: 'jual', buyer: 'pembeli', buy: 'beli',
  account: 'akun', acc: 'akun', akunnya: 'akun', product: 'produk', products: 'produk', item: 'barang',
  pay: 'bayar', payment: 'bayar', paid: 'bayar', failed: 'gagal', fail: 'gagal', gagl: 'gagal',
  order: 'pesanan', orderan: 'pesanan', pesenan: 'pesanan', pesen: 'pesan', mp: 'marketplace',
  icash: 'iconcash', cso: 'cs', agent: 'petugas', agen: 'petugas',
  operator: 'petugas', officer: 'petugas', human: 'manusia', cc: 'kartukredit', tf: 'transfer',
  trf: 'transfer', faktur: 'invoice', inv: 'invoice', profile: 'profil', address: 'alamat',
  name: 'nama', change: 'ganti', rubah: 'ubah', merubah: 'ubah', delete: 'hapus', remove: 'hapus',
  del: 'hapus', add: 'tambah', nambah: 'tambah', nambahin: 'tambah', tambahin: 'tambah',
  close: 'tutup', blocked: 'blokir', block: 'blokir', keblokir: 'blokir', diblok: 'blokir',
  blok: 'blokir', suspend: 'blokir', disuspend: 'blokir', unblock: 'buka blokir', hacked: 'retas',
  hack: 'retas', dihack: 'retas', kehack: 'retas', dihek: 'retas', leak: 'bocor', leaked: 'bocor',
  bill: 'tagihan', shipment: 'pengiriman', shipping: 'pengiriman', delivery: 'pengiriman',
  track: 'lacak', tracked: 'lacak', tracking: 'lacak', withdraw: 'tarik dana', withdrawal: 'tarik dana',
  wd: 'tarik dana', connected: 'terhubung', connect: 'hubung', showing: 'tampil', show: 'tampil',
  new: 'baru', wrong: 'salah', received: 'terima', income: 'pendapatan', discount: 'diskon',
  disc: 'diskon', refun: 'refund', promosi: 'promo',
  // English words of the problems told in English
  confirmed: 'terkonfirmasi', unconfirmed: 'belum terkonfirmasi', still: 'masih', yet: 'belum',
  isnt: 'tidak', doesnt: 'tidak', dont: 'tidak', didnt: 'tidak', wont: 'tidak', havent: 'belum',
  hasnt: 'belum', unpaid: 'belum lunas', unable: 'tidak bisa', changed: 'diganti', water: 'air', back: 'kembali', never: 'tidak', got: 'dapat', credit: 'pulsa', money: 'uang', balance: 'saldo', cancelled: 'dibatalkan',
  canceled: 'dibatalkan', deducted: 'terpotong', using: 'pakai', via: 'lewat', bills: 'tagihan',
  // common Javanese / Sundanese words in otherwise Indonesian messages ("piye carane dodolan")
  piye: 'bagaimana', kepiye: 'bagaimana', kumaha: 'bagaimana', carane: 'cara', carana: 'cara',
  dodolan: 'jualan', ora: 'tidak', teu: 'tidak', henteu: 'tidak', mboten: 'tidak', durung: 'belum',
  dereng: 'belum', wis: 'sudah', uwis: 'sudah', sampun: 'sudah', tos: 'sudah', saged: 'bisa',
  tiasa: 'bisa', abdi: 'saya', kula: 'saya', kulo: 'saya', bade: 'mau', badhe: 'mau', hoyong: 'mau',
  duite: 'uang', artos: 'uang', punten: 'permisi', sampurasun: 'salam', meser: 'beli', tuku: 'beli',
  mayar: 'bayar', nganggo: 'pakai', wae: '', mawon: 'saja', nggih: '', hilap: 'lupa', kelalen: 'lupa',
  lali: 'lupa', lebet: 'masuk', mlebu: 'masuk', pesenane: 'pesanan',
  // Javanese (ngoko and krama): the function words and verbs of a problem told
  iso: 'bisa', isa: 'bisa', saget: 'bisa', ra: 'tidak', wes: 'sudah', uwes: 'sudah', mpun: 'sudah',
  urung: 'belum', rung: 'belum', nanging: 'tapi', ananging: 'tapi', tapine: 'tapi', mbayar: 'bayar',
  dibayari: 'dibayar', tumbas: 'beli', numbas: 'beli', ditumbas: 'dibeli', dituku: 'dibeli', nuku: 'beli',
  dodol: 'jual', adol: 'jual', didol: 'dijual', bakul: 'penjual', duitku: 'uang saya',
  arep: 'mau', ajeng: 'mau', panjenengan: 'anda', sampeyan: 'anda',
  opo: 'apa', nopo: 'apa', menapa: 'apa', ngopo: 'kenapa', kenopo: 'kenapa', pripun: 'bagaimana',
  kepriye: 'bagaimana', nyuwun: 'mohon', tulung: 'tolong', tulungi: 'tolong', ngapunten: 'maaf',
  suwun: 'terimakasih', maturnuwun: 'terimakasih', iki: 'ini', niki: 'ini', kuwi: 'itu', niku: 'itu',
  iku: 'itu', kae: 'itu', wingi: 'kemarin', saiki: 'sekarang', sakniki: 'sekarang', saniki: 'sekarang',
  dino: 'hari', dinten: 'hari', tekan: 'sampai', dugi: 'sampai', teko: 'datang', rawuh: 'datang',
  isih: 'masih', esih: 'masih', tasih: 'masih', taksih: 'masih', wonten: 'ada', ono: 'ada', onten: 'ada',
  enten: 'ada', karo: 'dengan', kalih: 'dengan', kanggo: 'untuk', kagem: 'untuk', nggo: 'untuk',
  mergo: 'karena', merga: 'karena', amargi: 'karena', sing: 'yang', ingkang: 'yang', nek: 'kalau',
  yen: 'kalau', menawi: 'kalau', ugi: 'juga', uga: 'juga', dadi: 'jadi', dados: 'jadi', kabeh: 'semua',
  sedoyo: 'semua', akeh: 'banyak', kathah: 'banyak', pinten: 'berapa', piro: 'berapa', gawe: 'buat',
  ndamel: 'buat', bukak: 'buka', mbukak: 'buka', dibukak: 'dibuka', ngganti: 'ganti', busak: 'hapus',
  mbusak: 'hapus', dibusak: 'dihapus', ical: 'hilang', kelangan: 'kehilangan', jupuk: 'ambil',
  dijupuk: 'diambil', metu: 'keluar', benten: 'beda', bedo: 'beda', ngirim: 'kirim',
  je: '', mbok: '', neng: 'di', ning: 'di', ing: 'di', lan: 'dan', seko: 'dari', soko: 'dari',
  saking: 'dari', cairke: 'cairkan', dicairke: 'dicairkan', ngahapus: 'hapus', ngagentos: 'ganti',
  gentos: 'ganti', robih: 'ubah', dirobih: 'diubah', ngarobih: 'ubah', ngirimkeun: 'kirim', dikirimkeun: 'dikirim',
  // Sundanese
  parantos: 'sudah', atos: 'sudah', acan: 'belum', sanes: 'bukan', naon: 'apa', naha: 'kenapa',
  kunaon: 'kenapa', nuhun: 'terimakasih', kamari: 'kemarin', ayeuna: 'sekarang', namung: 'tapi',
  pisan: 'banget', ngagaleuh: 'beli', galeuh: 'beli', sumping: 'datang', asup: 'masuk', kaluar: 'keluar',
  leungit: 'hilang', ieu: 'ini', eta: 'itu', sareng: 'dengan', nembe: 'baru', teh: '', mah: '', atuh: '',
  euy: '', mangga: 'silakan',
  // Betawi
  udeh: 'sudah', ude: 'sudah', kaga: 'tidak', aje: 'saja', ape: 'apa', kenape: 'kenapa',
  gimane: 'bagaimana', pegimane: 'bagaimana', nyang: 'yang', ampe: 'sampai', mao: 'mau', kite: 'kita',
  doang: 'saja', ntar: 'nanti', entar: 'nanti', kudu: 'harus', kelar: 'selesai', lu: 'anda', lo: 'anda',
  elu: 'anda', elo: 'anda',
  // English words of the problems told in English (more)
  arrived: 'sampai', came: 'datang', sent: 'dikirim', shipped: 'dikirim', delivered: 'sampai',
  purchase: 'beli', bought: 'beli', card: 'kartu', activate: 'aktifkan', activation: 'aktivasi',
  talk: 'bicara', speak: 'bicara', staff: 'petugas', report: 'laporan', complaint: 'komplain',
  ticket: 'tiket', price: 'harga', appear: 'muncul', appears: 'muncul', visible: 'terlihat',
  search: 'pencarian', personal: 'pribadi', stolen: 'dicuri', someone: 'orang', number: 'nomor',
  used: 'dipakai', already: 'sudah', registered: 'terdaftar', linked: 'terhubung', verified: 'diverifikasi',
  verify: 'verifikasi', verification: 'verifikasi', closed: 'ditutup', deleted: 'dihapus',
  package: 'paket', parcel: 'paket', courier: 'kurir', earnings: 'pendapatan', revenue: 'pendapatan',
  but: 'tapi', and: 'dan', with: 'dengan', from: 'dari', for: 'untuk', after: 'setelah', since: 'sejak',
  day: 'hari', days: 'hari', ago: 'lalu', week: 'minggu', this: 'ini', that: 'itu', it: '', was: '',
  are: '', be: '', processing: 'diproses', forgotten: 'lupa', reset: 'atur ulang',
  // colloquial "-in" verbs (Jakarta style) -> standard forms
  aktifin: 'aktifkan', daftarin: 'daftarkan', hapusin: 'hapus', sambungin: 'sambungkan',
  balikin: 'kembalikan', benerin: 'perbaiki', gantiin: 'ganti', cariin: 'cari', bukain: 'buka',
  kirimin: 'kirim', beliin: 'beli', bayarin: 'bayar', masukin: 'masukkan', ubahin: 'ubah',
  bantuin: 'bantu', urusin: 'urus', tanyain: 'tanya', cekin: 'cek', dibatalin: 'dibatalkan',
  batalin: 'batalkan', dimasukin: 'dimasukkan', didaftarin: 'didaftarkan', dihapusin: 'dihapus',
};

/**
 * The Javanese possessive ("barange", "tokone", "saldone", "akunipun") and the Sundanese one
 * ("barangna", "tokona") of the nouns a problem is told with: the bare noun, like "-nya".
 */
const REGIONAL_POSSESSIVE: Readonly<Record<string, string>> = Object.fromEntries(
  [
    'akun', 'toko', 'barang', 'saldo', 'produk', 'pesanan', 'pesenan', 'alamat', 'email', 'password',
    'dana', 'transaksi', 'pembayaran', 'bayaran', 'kiriman', 'paket', 'status', 'refund', 'tagihan',
    'iconcash', 'nomor', 'nomer', 'data', 'voucher', 'harga', 'rego', 'foto', 'invoice', 'resi', 'aplikasi',
    'rekening', 'pendapatan', 'kurir', 'biodata', 'nama',
  ].flatMap((noun) => {
    const base = SLANG[noun] ?? noun;
    const vowel = /[aiueo]$/.test(noun);
    return [
      [vowel ? `${noun}ne` : `${noun}e`, base],
      [`${noun}ipun`, base],
      [`${noun}na`, base],
    ];
  }),
);

/**
 * Switching off is not switching on: "nonaktifkan", "menonaktifkan", "de-aktivasi" become one
 * word, so character n-grams and stems of "aktif" do not pull them towards activation.
 */
const DEACTIVATION = /^(?:di|me)?non ?aktif\w*$|^deaktivasi\w*$/;

/** Reduplication written with a "2" (muter2, berkali2, apa2) means the word twice. */
export const REDUPLICATION = /\b([a-z]{2,})2\b/g;
const EMAIL = /[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/g;
const URL = /\b(?:https?:\/\/|www\.)\S+/g;

/**
 * Lower-case, strip accents, emoji and punctuation, replace ticket numbers / e-mail addresses /
 * links by placeholder words, collapse stretched letters ("tolooong" -> "tolong", "pagii" ->
 * "pagi"), expand abbreviations and slang (SLANG), drop bare numbers. Returns space-joined words.
 */
export function normalizeText(text: string): string {
  let s = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  s = s.replace(new RegExp(TICKET_NUMBER_PATTERN.source, 'gi'), ` ${TICKET_TOKEN} `);
  s = s.replace(URL, ' tautan ').replace(EMAIL, ' email ');
  s = s.replace(/['’`]/g, '');
  s = s.replace(REDUPLICATION, '$1 $1');
  s = s.replace(/[^a-z0-9]+/g, ' ');
  s = ` ${s.trim()} `;
  for (const [from, to] of PHRASES) s = s.split(` ${from} `).join(` ${to} `);
  s = s.replace(/ (non|de) (?=akti[fv])/g, ' $1');
  const words: string[] = [];
  for (const raw of s.trim().split(' ')) {
    if (raw === '' || /^\d+$/.test(raw)) continue;
    if (/^\d+x$/.test(raw)) {
      words.push('kali');
      continue;
    }
    const word = laughter(collapseRepeats(raw));
    const mapped = DEACTIVATION.test(word) ? 'deaktivasi' : (SLANG[word] ?? REGIONAL_POSSESSIVE[word] ?? word);
    if (mapped !== '') words.push(...mapped.split(' '));
  }
  return words.join(' ');
}

/** The normalised words of a message. */
export function tokenize(text: string): string[] {
  const normalized = normalizeText(text);
  return normalized === '' ? [] : normalized.split(' ');
}

/**
 * "tolooong" -> "tolong", "bangeeet" -> "banget", "pagii" -> "pagi", "kakk" -> "kak"; keeps the
 * genuine double letters inside words ("maaf", "saat", "sso") and leaves digits alone.
 */
export function collapseRepeats(word: string): string {
  let w = word.replace(/([a-z])\1{2,}/g, '$1');
  if (w.length >= 4 && /[a-z]/.test(w)) w = w.replace(/([a-z])\1$/, '$1');
  return w;
}

/** "wkwkwk", "hahaha", "hehe" -> one word each. */
export function laughter(word: string): string {
  if (/^(?:wk)+w?$/.test(word)) return 'wkwk';
  if (/^(?:ha){2,}h?$/.test(word) || /^(?:he){2,}h?$/.test(word)) return 'haha';
  return word;
}
