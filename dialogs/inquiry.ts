import { TICKET_NUMBER_PATTERN, extractTicketNumbers } from '../src/core/ticketNumbers.js';
import { displayPhone, readIndonesianPhone } from '../src/phone.js';
import type { DialogTicket, FoundTicket, Inquiry } from './conversationContext.js';
import { emailAsTyped } from './fields/index.js';
import type { Choice, Reply } from './reply.js';

/**
 * Status look-ups (SOP section 1f) beyond the number: finding a customer's reports by the phone
 * and email they gave, and telling an explanation of why a matter is not settled from a remark
 * about the status ("belum ada kabar"). Pure functions; the states are in states/status.states.ts.
 */

/** At most this many reports are listed to pick from (the newest). */
export const MAX_LISTED = 10;

const OFFICER_CHOICE: Choice = { value: 'petugas', key: 'choices.officer' };
const MENU_CHOICE: Choice = { value: 'menu', key: 'choices.menu' };

/** The message without the report numbers in it (their digits are no phone number, nor an explanation). */
const withoutTicketNumbers = (text: string): string => text.normalize('NFKC').replace(new RegExp(TICKET_NUMBER_PATTERN.source, 'gi'), ' ');

/** A phone number (mobile or landline: a ticket may name either) and an email in a message, if any. */
export function contactIn(message: string): { phone?: string; email?: string } {
  const found: { phone?: string; email?: string } = {};
  const text = withoutTicketNumbers(message);
  for (const token of text.split(/[\s,;]+/)) {
    const email = token.includes('@') ? emailAsTyped(token.replace(/^[<("']+|[>)"'.]+$/g, '')) : undefined;
    if (email !== undefined && found.email === undefined) found.email = email.toLowerCase();
  }
  // Digits with the separators people type between them ("0812-3456-7890", "+62 812 3456 7890").
  for (const run of text.match(/\+?\d[\d\s.\-()]{6,}\d/g) ?? []) {
    const reading = readIndonesianPhone(run);
    if (reading.kind !== 'invalid') {
      found.phone = reading.e164;
      break;
    }
  }
  return found;
}

/** The phone number or email the customer typed matches the one on the ticket. */
export function provesOwnership(text: string, ticket: DialogTicket): boolean {
  const given = contactIn(text);
  if (given.phone !== undefined && given.phone === ticket.applicant.phone) return true;
  return given.email !== undefined && given.email === ticket.applicant.email.toLowerCase();
}

/** "lupa", "nomornya hilang", "chatnya kehapus", "ga punya": the report number is not at hand. */
const LOST = /\b(lupa\w*|(?:ga|gak|nggak|ngga|enggak|tidak|tdk|g)\s*(?:ingat|inget)|hilang|ilang|kehapus|terhapus|kehilangan|ga(k|)\s*tau|ng?ga(k|)\s*tau|gatau|gtw|tidak tahu|ga(k|)\s*punya|tidak punya|ga(k|)\s*(ada|nyimpen|simpan)|tidak (ada|menyimpan)|forgot|forget|lost|deleted|don'?t (have|know|remember)|do not (have|know|remember))\b/i;
/** What is lost is the report's number or the chat that held it ("lupa nomornya", "chatnya kehapus", "forgot my ticket number"). */
const REPORT_WORDS = /\b(?:(?:nomor|nomer|no|nmr)\.?\s*(?:lapor\w*|tiket\w*|itsm|aduan\w*|pengaduan)|nomornya|nomernya|laporan\w*|tiket\w*|ticket|itsm|chat\w*|riwayat|history|report number)\b/i;
/** ... unless it is a password, a phone number or an account that is lost (a problem of its own). */
const OTHER_LOSS = /\b(?:lupa|forgot|forget|lost)\s+(?:\w+\s+)?(?:password|sandi|kata sandi|pin|otp|akun|account|email|(?:nomor|nomer|no)\.?\s*(?:hp|wa|whatsapp|telp\w*|telepon|rek\w*|handphone))\b/i;

/** Their own report ("laporan saya", "aduanku", "tiket sy kemarin"), not an order or a sales report. */
const OWN_REPORT = /\b(?:laporan|lapora?n?ku|aduan\w*|pengaduan|tiket\w*|ticket|komplain\w*|keluhan\w*|report|complaint)\b(?!\s+(?:penjualan|keuangan|transaksi|pendapatan))/i;
/** How it is going: progress, news, where it has got to. */
const PROGRESS = /\b(?:kelanjutan\w*|lanjutan\w*|progres\w*|progress|perkembangan\w*|kabar\w*|sa?mp(?:a|e)i?\s+mana|udah\s+sampe|sudah\s+sampai|diproses|ditindak\s*lanjuti|tindak\s*lanjut\w*|update\w*|status\w*|direspon\w*|dibalas|ditanggapi|any news|been (?:looked|handled)|looked at)\b/i;
/** ... unless it asks how to do something ("cara lihat laporan penjualan"). */
const HOW_TO = /\b(?:cara\w*|how (?:to|do|can))\b/i;

/** "kelanjutan laporan akun saya", "laporan sy minggu lalu udah sampe mana": their report's status, asked in words. */
export const asksAboutOwnReport = (text: string): boolean => OWN_REPORT.test(text) && PROGRESS.test(text) && !HOW_TO.test(text);

/** At the number question: the customer does not have it. */
export const saysNumberLost = (text: string): boolean => LOST.test(text);

/** In a first message or the one that asked for a status: "lupa nomornya, chatnya kehapus". */
export const lostReportNumber = (text: string): boolean => LOST.test(text) && REPORT_WORDS.test(text) && !OTHER_LOSS.test(text);

/**
 * Words that ask about a report or remark on its status, not what is still wrong ("ya blm ada
 * kabar aja", "gimana kelanjutan laporan saya min"). What is left after them, if it is two words
 * or more, explains why the matter is not settled ("masih belum bisa login").
 */
const STATUS_TALK = new Set(
  (
    'cek status laporan lapor laporannya report tiket tiketnya ticket nomor nomer no kabar kabarnya kabarin kelanjutan kelanjutannya ' +
    'perkembangan perkembangannya update respon responnya balasan jawaban jawabannya gimana gmn gmana bagaimana apakah sudah udah udh sdh dah ' +
    'belum blm blom ada sampai sampe mana ya yah iya y ok oke min mimin kak ka pak bu mas mba mbak admin tolong dong deh nih sih aja ' +
    'saja saya sy aku gue gw mau ingin tanya nanya menanyakan kok kan itu ini yang yg dari dengan utk untuk soal tentang mohon info ' +
    'informasi informasinya seminggu minggu hari bulan lalu kemarin lama banget sekali lagi lg masih msh juga jg ga gak nggak ngga tidak ' +
    'tdk halo hai hallo permisi selamat pagi siang sore malam terima kasih makasih thanks thank you please my the a is any news still not ' +
    'yet how what about of there no none nothing diproses proses sedang lagi menunggu nunggu tunggu'
  ).split(' '),
);

/** "belum," / "tidak." / "no," opening an answer: the no itself, when something follows it. */
const LEADING_NO = /^(?:belum|blm|blom|tidak|tdk|nggak|ngga|gak|ga|enggak|no|not yet)\s*[,.;:!-]\s*(?=\S)/i;

/**
 * The customer's own explanation in a message, without the report number and status talk; null
 * when there is none. `minWords`: two where the explanation is volunteered, one where it was asked for.
 */
export function explanationIn(text: string, minWords = 2): string | null {
  // "belum, tokonya …": the no that answers "settled?" is not part of it ("belum bisa login" is).
  const rest = withoutTicketNumbers(text).replace(/\s+/g, ' ').trim().replace(LEADING_NO, '');
  const words = rest.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const content = words.filter((w) => !STATUS_TALK.has(w));
  return content.length >= minWords ? rest.replace(/^[\s,.;:!-]+|[\s,;:-]+$/g, '') : null;
}

const day = (iso: string | undefined): string => (iso ? iso.slice(0, 10) : '-');

/** Numbers and status only: who holds several reports picks one. */
export function foundListReply(found: readonly FoundTicket[]): Reply {
  const listed = found.slice(0, MAX_LISTED);
  return {
    key: found.length > MAX_LISTED ? 'status.foundMany' : 'status.foundSeveral',
    vars: { count: found.length, shown: listed.length },
    after: [...listed.map((t, i) => ({ key: 'status.foundLine', vars: { index: i + 1, number: t.number, status: t.status, date: day(t.filedAt) } })), { key: 'status.pickOne' }],
    choices: listed.map((t) => ({ value: t.number, key: 'choices.asIs', vars: { value: t.number } })),
  };
}

/** The report picked from the list: by its number, or its place in the list ("1", "yang kedua"). */
export function pickedFrom(found: readonly FoundTicket[], text: string): string | null {
  const numbers = extractTicketNumbers(text);
  if (numbers.length > 0) return numbers[0] ?? null;
  const m = /^\s*(?:no\.?\s*|nomor\s*|yang\s*(?:ke\s*)?|#)?(\d{1,2})\s*[.)]?\s*$/i.exec(text);
  const ordinals = ['pertama', 'kedua', 'ketiga', 'keempat', 'kelima', 'keenam', 'ketujuh', 'kedelapan', 'kesembilan', 'kesepuluh'];
  const word = ordinals.findIndex((o) => new RegExp(`\\b${o}\\b`, 'i').test(text));
  const index = m ? Number(m[1]) - 1 : word;
  return index >= 0 && index < Math.min(found.length, MAX_LISTED) ? (found[index]?.number ?? null) : null;
}

/** What is still missing of the phone and email that find a report without its number. */
export function contactPrompt(inquiry: Inquiry | null): Reply {
  const c = inquiry?.contact ?? {};
  if (c.phone && !c.email) return { key: 'status.contactAskEmail', vars: { phone: displayPhone(c.phone) } };
  if (c.email && !c.phone) return { key: 'status.contactAskPhone', vars: { email: c.email } };
  return { key: 'status.contactAsk' };
}

/** No report names that phone and email: the tries left, or (the last) that an officer takes over. */
export function contactNotFoundReply(misses: number, maxMisses: number): Reply {
  // The officer is called at once (the handoff says the place in the queue).
  if (misses >= maxMisses) return { key: 'status.contactGiveUp' };
  return { key: 'status.contactNotFound', vars: { left: maxMisses - misses } };
}

/**
 * A report the support team has not answered yet: its status, how it is followed up, and no
 * time promised (the procedure sets none); nothing is filed again, and an officer is offered.
 */
export function unansweredReply(ticket: DialogTicket | null | undefined): Reply {
  return {
    key: 'status.show',
    vars: { number: ticket?.number ?? '', status: ticket?.status ?? '', type: ticket?.serviceType ?? '' },
    after: [{ key: 'status.unanswered', vars: { date: day(ticket?.filedAt) } }],
    choices: [OFFICER_CHOICE, MENU_CHOICE],
  };
}

/** "Shall we file a follow-up to {number} with this explanation?" */
export function confirmRefileReply(inquiry: Inquiry | null): Reply {
  return {
    key: 'status.confirmRefile',
    vars: { number: inquiry?.ticket?.number ?? '', text: inquiry?.refileText ?? '' },
    choices: [
      { value: 'ya', key: 'choices.fileFollowUp' },
      { value: 'tidak', key: 'choices.dontFile' },
    ],
  };
}
