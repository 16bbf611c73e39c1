/**
 * The understanding step: reads every text message against the open question and returns one
 * act (docs/understanding.md). Readers, first match wins:
 *   a named option (at a list) → whole-message forms → a request for a person → a correction →
 *   fields → a question / a complaint about the bot / a Marketplace problem / a closing, thanks
 *   or a greeting (the act classifier, each gated by its cue words) → gibberish → answer.
 *
 * @example
 * const understanding = await createUnderstanding({ classifier }); // at start-up, ~0.5 s
 * await understanding.understand('ini bayar ga sih?', { kind: 'field', field: 'businessName' });
 * // { kind: 'question', topic: 'fee' }
 */
import type { Classification } from '../classifier.js';
import { extractTicketNumbers } from '../../core/ticketNumbers.js';
import { namesOption } from './choice.js';
import { trainActClassifier, topicOf, type ActClassifier } from './classifier.js';
import type { ModelCache } from '../modelCache.js';
import { readCorrection, correctionWords } from './correction.js';
import { cueWords, findCues, type Cues } from './cues.js';
import { EntityRecogniser, type Entity } from './entities.js';
import { fieldWords, looksLikeAName, readFields } from './fields.js';
import { leadingDecision, readForm, readLanguageRequest } from './forms.js';
import { buildLexicon, loadLexiconFile, type Lexicon } from './lexicon.js';
import { asksForOfficer, asksForOfficerInClause, officerWords } from './officer.js';
import { canonicalWords, findSequence, phraseKey, plainWords, prepare, type Message } from './text.js';
import type { Act, OpenQuestion, Understanding } from '../../../dialogs/understanding.js';
import { isGibberish } from './unusable.js';

/** Anything that classifies a message into the Marketplace labels (`type:NN`, `intent:*`). */
export interface MarketplaceLabeller {
  classify(text: string): Promise<Classification>;
}

export interface UnderstandingDeps {
  /**
   * The Marketplace classifier (src/nlu/classifier.ts). When given, a problem told mid-dialog is a
   * `complaint` only if it also places the message on a service type, and at the menu it
   * recognises greetings and requests for a person that the lexicons miss.
   */
  readonly classifier?: MarketplaceLabeller;
  /** An act classifier already trained (tests share one); trained from nlu/acts.corpus.id.json otherwise. */
  readonly acts?: ActClassifier;
  /** Where the act classifier's trained network is kept between starts (see ModelCache). */
  readonly modelCache?: ModelCache;
}

/** Most characters of a message that are read (see `within`). */
const MAX_CHARS = 600;
/** How sure the Marketplace classifier must be to add a greeting or a request for a person at the menu. */
const MENU_INTENT_CONFIDENCE = 0.55;
/** How likely a question label must be when the act classifier's best guess is an answer but the message has a question word. */
const QUESTION_RUNNER_UP = 0.2;
/** The act classifier's confidence in `complaint` that needs no second opinion. */
const COMPLAINT_SURE = 0.6;
/** Below this, not a complaint; between the two, the Marketplace classifier must place it on a service type … */
const COMPLAINT_POSSIBLE = 0.2;
/** … with at least this confidence. */
const COMPLAINT_SERVICE_TYPE = 0.5;
/** How sure the Marketplace classifier must be of a service type for a problem told around a request for a person to be the problem. */
const PROBLEM_AROUND_OFFICER = 0.6;
/** Longest message (in words) that, after a leading yes, still only confirms a problem. */
const CONFIRMATION_MAX_WORDS = 5;
/** Longest message (in words) the act classifier may call a greeting: longer ones carry a request too. */
const GREETING_MAX_WORDS = 6;

/**
 * After a leading yes or no, what else the message is: a question or a complaint about the bot
 * outranks it, and so does a problem told at length ("eh iya, refund saya kemarin belum masuk
 * min"), but not a short confirmation of one ("iya betul itu masalahnya"), thanks or a closing.
 */
function outranksDecision(act: Act, m: Message): boolean {
  return act.kind === 'question' || act.kind === 'botComplaint' || (act.kind === 'complaint' && m.words.length > CONFIRMATION_MAX_WORDS);
}

/**
 * The first `max` characters, cut at a space: what is read of a message. Entity recognition
 * compares word spans (quadratic in the words), and nothing a long message can be (a problem told
 * at length, a paste) is decided beyond its first few hundred characters.
 */
function within(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf(' ', max);
  return text.slice(0, cut > max / 2 ? cut : max);
}

/** Trains what needs training (the act classifier, the entity recogniser) and returns the reader. */
export async function createUnderstanding(deps: UnderstandingDeps = {}): Promise<Understanding> {
  const lexicon = buildLexicon(loadLexiconFile(), phraseKey);
  const [recogniser, acts] = await Promise.all([EntityRecogniser.create(lexicon), deps.acts ?? trainActClassifier(undefined, deps.modelCache)]);
  const reader = new Reader(lexicon, recogniser, acts, deps.classifier);
  return {
    async understand(text: string, open: OpenQuestion): Promise<Act> {
      try {
        const act = await reader.read(text, open);
        const greeting = act.kind === 'greeting' ? undefined : reader.openingGreeting(text);
        return greeting ? { ...act, greeting } : act;
      } catch {
        return { kind: 'answer' };
      }
    },
  };
}

class Reader {
  private readonly officer;
  private readonly corrections;
  private readonly fields;
  private readonly cues;
  private readonly pieceFilter;
  private readonly requestWords: ReadonlySet<string>;

  constructor(
    private readonly lexicon: Lexicon,
    private readonly recogniser: EntityRecogniser,
    private readonly acts: ActClassifier,
    private readonly marketplace: MarketplaceLabeller | undefined,
  ) {
    this.officer = officerWords(lexicon);
    this.corrections = correctionWords(lexicon);
    this.fields = fieldWords(lexicon);
    this.cues = cueWords(lexicon);
    this.requestWords = new Set(lexicon.file.requestWords);
    this.pieceFilter = {
      isForm: (words: readonly string[]): boolean =>
        readForm(prepare(words.join(' '), lexicon), { kind: 'menu' }, lexicon) !== undefined || asksForOfficer(words, this.officer),
    };
  }

  /** A greeting the message opens with before saying more ("assalamualaikum min, mau daftar …"). */
  openingGreeting(text: string): 'religious' | 'plain' | undefined {
    const first = text.split(/[,.!;\n]/)[0] ?? '';
    const m = prepare(first, this.lexicon);
    if (!m.hasContent || m.key.length > 4) return undefined;
    const form = readForm(m, { kind: 'menu' }, this.lexicon);
    return form?.kind === 'greeting' ? (form.religious ? 'religious' : 'plain') : undefined;
  }

  async read(text: string, open: OpenQuestion): Promise<Act> {
    const m = prepare(within(text, MAX_CHARS), this.lexicon);
    if (m.text === '') return { kind: 'unusable' };
    if (open.kind === 'choice' && namesOption(m.text, open.options, this.lexicon)) return { kind: 'answer' };

    const form = readForm(m, open, this.lexicon);
    if (form !== undefined) return form;
    // "can I send the photo tomorrow?", "besok ya min fotonya": at the photo step, the photo later.
    if (open.kind === 'photo' && m.spelled.some((w) => this.lexicon.file.photoLaterWords.includes(w))) return { kind: 'navigation', to: 'later' };
    if (asksForOfficer(m.words, this.officer) || asksForOfficer(m.spelled, this.officer)) return { kind: 'officer' };
    if (asksForOfficerInClause(m.text, this.officer, (clause) => canonicalWords(plainWords(clause), this.lexicon)) && !(await this.tellsProblem(m))) {
      return { kind: 'officer' };
    }
    const language = readLanguageRequest(m.spelled, this.lexicon);
    if (language !== undefined) return language;
    if (open.kind === 'ticketNumber' && extractTicketNumbers(m.text).length > 0) return { kind: 'answer' };

    const entities = await this.recogniser.recognise(m.text);
    const correction = readCorrection(m.text, entities, open, this.corrections, this.fields);
    if (correction !== undefined) return correction;
    // A problem's description is the customer's own words, questions included; keyboard mashing is
    // not, nor a complaint about the bot that names no problem ("dari tadi muter2 aja nih").
    if (open.kind === 'freeText') {
      if (isGibberish(m.words, m.text)) return { kind: 'unusable' };
      const cues = findCues(m.words, m.spelled, m.hasQuestionMark, this.cues);
      const direct = this.lexicon.file.botComplaint.directCues.some((cue) => findSequence(m.spelled, plainWords(cue)) >= 0);
      if (cues.botComplaint && !cues.problem && direct) {
        const act = await this.classified(m, open, cues);
        if (act?.kind === 'botComplaint') return act;
      }
      return { kind: 'answer' };
    }
    if ((open.kind === 'proof' || open.kind === 'contact') && entities.some((e) => e.kind === 'email' || e.kind === 'phone')) return { kind: 'answer' };

    // At a decision, a leading no wins over a value it rejects ("bukan jawa timur"); a leading
    // yes gives way to new values ("iya, emailnya budi@…").
    const cues = findCues(m.words, m.spelled, m.hasQuestionMark, this.cues);
    const decision = leadingDecision(m, open, this.lexicon, cues.question);
    // "bukan, emailnya budi.s@yahoo.com": a no with a new value gives the value (the machine tells
    // a value that is the refused guess itself, "bukan jawa timur", from a new one).
    const fields = this.readFields(m, entities, open);
    if (decision?.kind === 'no') return fields?.kind === 'fields' ? { ...fields, denied: true } : decision;
    if (fields !== undefined) return decision?.kind === 'yes' && fields.kind === 'fields' ? { ...fields, affirmed: true } : fields;

    if (cues.question || cues.botComplaint || cues.problem || cues.closing || cues.thanks || cues.greeting) {
      const act = await this.classified(m, open, cues);
      if (act !== undefined && (decision === undefined || outranksDecision(act, m))) return act;
    }
    if (decision !== undefined) return decision;
    if (isGibberish(m.words, m.text)) return { kind: 'unusable' };
    return { kind: 'answer' };
  }

  private readFields(m: Message, entities: readonly Entity[], open: OpenQuestion): Act | undefined {
    // While choosing which field to change, a new value for one ("emailnya budi.s@yahoo.com") is read too.
    if (open.kind === 'proof' || open.kind === 'contact' || open.kind === 'ticketNumber' || (open.kind === 'choice' && open.about !== 'editField')) return undefined;
    const fields = readFields(m.text, entities, open, this.fields, this.pieceFilter);
    return fields === undefined ? undefined : { kind: 'fields', fields };
  }

  /** The act classifier's reading, taken only where the message has the matching cue. */
  private async classified(m: Message, open: OpenQuestion, cues: Cues): Promise<Act | undefined> {
    const c = await this.acts.classify(m.text);
    const ranked = [{ label: c.label, confidence: c.confidence }, ...c.alternatives];
    const top = c.label;
    const topic = topicOf(top);
    if (topic !== undefined && cues.question) return { kind: 'question', topic };
    if (top === 'botComplaint' && cues.botComplaint) return { kind: 'botComplaint' };
    if (cues.problem && (await this.isComplaint(m, c))) {
      // At the menu and at a list a problem is what the customer came for: the machine places it.
      return open.kind === 'menu' || open.kind === 'choice' ? { kind: 'answer' } : { kind: 'complaint' };
    }
    // "Halo Bakery", "Terima Kasih Snack", "Selamat Riyadi": a capitalised answer to a form question.
    if (open.kind === 'field' && looksLikeAName(m.text)) return undefined;
    if (top === 'closing' && cues.closing) return { kind: 'closing' };
    if (top === 'thanks' && cues.thanks) return { kind: 'thanks' };
    // "selamat pagi, saya mau daftar seller" is a request with a greeting: the request decides.
    const onlyGreets = m.words.length <= GREETING_MAX_WORDS && !m.words.some((w) => this.requestWords.has(w));
    if (top === 'greeting' && cues.greeting && onlyGreets) return { kind: 'greeting', religious: this.religious(m) };
    if (open.kind === 'menu' && this.marketplace !== undefined && cues.greeting && onlyGreets) {
      const mc = await this.marketplace.classify(m.text);
      if (mc.label === 'intent:greeting' && mc.confidence >= MENU_INTENT_CONFIDENCE) {
        return { kind: 'greeting', religious: this.religious(m) };
      }
    }
    // A question the classifier was unsure of: the likeliest question topic, if it is likely enough.
    if (cues.question) {
      const question = ranked.find((r) => topicOf(r.label) !== undefined);
      if (question !== undefined && question.confidence >= QUESTION_RUNNER_UP && (m.hasQuestionMark || m.words.length > 2)) {
        return { kind: 'question', topic: topicOf(question.label) ?? 'other' };
      }
    }
    return undefined;
  }

  /**
   * A Marketplace problem: the act classifier is sure of it, or it leans that way and the
   * Marketplace classifier places the message on one of the 40 service types.
   */
  private async isComplaint(m: Message, c: Classification): Promise<boolean> {
    const complaint = c.label === 'complaint' ? c.confidence : (c.alternatives.find((a) => a.label === 'complaint')?.confidence ?? 0);
    if (c.label === 'complaint' && (complaint >= COMPLAINT_SURE || this.marketplace === undefined)) return true;
    if (complaint < COMPLAINT_POSSIBLE || this.marketplace === undefined) return false;
    const mc = await this.marketplace.classify(m.text);
    // A problem outside the Marketplace ("listrik padam") is still a problem told mid-dialog.
    if (c.label === 'complaint' && mc.label === 'intent:out_of_scope') return true;
    return mc.label.startsWith('type:') && mc.confidence >= COMPLAINT_SERVICE_TYPE;
  }

  /**
   * A catalogued problem told around a clause that names a person ("transaksi gagal, hubungi CS"
   * copied from an error screen, "petugas tolong, saya sudah bayar tapi belum terkonfirmasi"): the
   * Marketplace classifier, which does not let one such word decide, places it on a service type.
   */
  private async tellsProblem(m: Message): Promise<boolean> {
    if (this.marketplace === undefined) return false;
    const mc = await this.marketplace.classify(m.text);
    return mc.label.startsWith('type:') && mc.confidence >= PROBLEM_AROUND_OFFICER;
  }

  private religious(m: Message): boolean {
    return [...this.lexicon.religious].some((p) => findSequence(m.key, p.split(' ')) >= 0);
  }
}
