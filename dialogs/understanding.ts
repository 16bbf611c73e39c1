/**
 * What a customer's message is, read against what the bot is waiting for: the contract between
 * the understanding step (src/nlu/understanding) and the dialog machine (dialogs/), which consults
 * the act of every text turn before a field or a choice consumes the text. See docs/understanding.md.
 */

/** The seven applicant fields (the same keys as dialogs/fields FieldKey). */
export type FieldName = 'name' | 'businessName' | 'productType' | 'city' | 'province' | 'phone' | 'email';

/** What the bot is waiting for when the message arrives (kept in the conversation's state). */
export type OpenQuestion =
  /** Nothing asked: the menu is shown (idle), or a conversation just started. */
  | { kind: 'menu' }
  /** One form question. */
  | { kind: 'field'; field: FieldName }
  /** A yes/no question: "Maksud Anda provinsi Jawa Timur?", "Masalahnya: … Apakah benar?", "Sudah selesai?" */
  | { kind: 'yesNo'; about: string }
  /** The summary of a form: kirim (yes), ubah (edit), batal (cancel). */
  | { kind: 'summary' }
  /** A list to pick from: the options' values and titles as shown. */
  | { kind: 'choice'; about: string; options: ReadonlyArray<{ value: string; title: string }> }
  /** The product photo (or a complaint's screenshot). */
  | { kind: 'photo'; required: boolean }
  /** The customer's own words: a problem's description, why a matter is not settled. */
  | { kind: 'freeText'; about: string }
  /** An ITSM number. */
  | { kind: 'ticketNumber' }
  /** The phone number or email on a ticket, proving it is theirs. */
  | { kind: 'proof' }
  /** The phone number and email given on a report whose number is lost, to find it by. */
  | { kind: 'contact' };

/** What a question about the procedure is about; the dialog answers only from the SOP. */
export type QuestionTopic =
  /** Is it free? Any fee, commission, deposit. (SOP silent: the support team will inform.) */
  | 'fee'
  /** How long verification or the whole process takes. (SOP silent: the support team will inform.) */
  | 'duration'
  /** Is the data checked, by whom, what happens next. (SOP: verified by the support team.) */
  | 'verification'
  /** How and when they will hear back. (SOP: phone — SMS/WhatsApp — or email.) */
  | 'followUp'
  /** What is needed to register. (SOP: the seven fields, and a product photo on social media.) */
  | 'requirements'
  /** Why the data / the photo is needed, what photo, is it safe. */
  | 'dataUse'
  /** Anything else about the procedure. */
  | 'other';

export type NavigationTarget =
  /** "kembali", "balik", "back": the previous question. */
  | 'back'
  /** "ulang", "dari awal", "start over": the form from the start (after a confirmation). */
  | 'restart'
  /** "lanjut", "next": go on (next page of a list, or the next question). */
  | 'next'
  /** "menu", "menu utama": the main menu. */
  | 'menu'
  /** "batal", "ga jadi", "cancel": end what is in progress. */
  | 'cancel'
  /** "nanti", "nyusul", "later": not now (a photo later, the rest later). */
  | 'later'
  /** "apa tadi?", "maksudnya?", "ulangi pertanyaannya": say the open question again. */
  | 'repeat';

/**
 * What one text message is. Exactly one act per message; `answer` means nothing else was
 * recognised and the text may answer the open question (the field's own validation decides).
 * Any act may also say that the message opened with a greeting ("assalamualaikum min, mau
 * daftar …"), so that it is answered in kind before the rest.
 */
export type Act = ActBody & { greeting?: 'religious' | 'plain' };

type ActBody =
  | { kind: 'answer' }
  /**
   * Values for one or more fields, labelled or recognisable by their shape ("nama sy Budi, hp 0812…").
   * Raw, as typed. `affirmed`: the message began with a yes ("iya, no hp sy 0812…" to a guess);
   * `denied`: with a no ("bukan, emailnya …", "bukan Jawa Timur").
   */
  | { kind: 'fields'; fields: Partial<Record<FieldName, string>>; affirmed?: true; denied?: true }
  /** "eh salah, emailnya budi.s@yahoo.com", "ganti kota jadi Batu", "ubah foto": a changed earlier answer (value null: ask it again). */
  | { kind: 'correction'; field: FieldName | 'photo'; value: string | null }
  | { kind: 'question'; topic: QuestionTopic }
  | { kind: 'navigation'; to: NavigationTarget }
  | { kind: 'yes' }
  | { kind: 'no' }
  /** "makasih", "thanks", "terima kasih banyak min 🙏". */
  | { kind: 'thanks' }
  /** "udah itu aja", "sudah cukup", "oke sip" after everything is done, "bye". */
  | { kind: 'closing' }
  /** "halo", "selamat pagi", "assalamualaikum" (religious: true), "punten", "permisi". */
  | { kind: 'greeting'; religious: boolean }
  /** A wish for a person: "mau ngomong sama cs", "talk to a human". */
  | { kind: 'officer' }
  /** A Marketplace problem told in the middle of something else ("akun sy ga bisa login"). */
  | { kind: 'complaint' }
  /** About the bot's own behaviour: "lho kan udh sy tulis diatas min", "kok nanya lagi", "bot ga ngerti". */
  | { kind: 'botComplaint' }
  /** "english please", "pakai bahasa indonesia". */
  | { kind: 'language'; locale: 'id' | 'en' }
  /** Nothing usable: emoji only, "hmm", "?", "wkwk", gibberish. */
  | { kind: 'unusable' };

export type ActKind = ActBody['kind'];

/** Reads a message against the open question. Never throws; at worst `{ kind: 'answer' }`. */
export interface Understanding {
  understand(text: string, open: OpenQuestion): Promise<Act>;
}
