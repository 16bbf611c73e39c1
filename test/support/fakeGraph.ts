import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Meta Graph API on 127.0.0.1 (port 0), for end-to-end tests and the benchmark:
 * - `POST /{version}/{phoneNumberId}/messages` (WhatsApp Cloud API send) and
 *   `POST /{version}/me/messages` (Messenger / Instagram send), answering like Meta does;
 * - `GET /{version}/{mediaId}` (WhatsApp media URL lookup) and `GET /media/<id>` (the bytes, only
 *   with the WhatsApp token), plus unauthenticated CDN files for Messenger / Instagram, and
 *   redirects (`addRedirect`) for the media-download SSRF tests;
 * - the token checked on every Graph call (401 `{ error: { code: 190 } }` when wrong);
 * - fault injection for message sends (`failNext`), sends taken at once but answered late
 *   (`answerLate`), media look-ups that never answer (`stallMediaLookup`), and streamed large
 *   bodies that record how many bytes were actually written before the client hung up.
 * Every request is recorded, in order.
 */

export type SendChannel = 'whatsapp' | 'messenger' | 'instagram';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown;
  /** The status the fake answered with. */
  status: number;
}

/** One message send (successful or failed) as the fake saw it. */
export interface SendAttempt {
  channel: SendChannel;
  /** WhatsApp `to`, Messenger/Instagram `recipient.id`. */
  to: string;
  body: SendBody;
  status: number;
  /** The id the send was answered with (WhatsApp's wamid), when it was taken. */
  messageId?: string;
}

/** The JSON body of a send, loosely typed: the WhatsApp and Messenger shapes together. */
export interface SendBody {
  // WhatsApp
  messaging_product?: string;
  recipient_type?: string;
  to?: string;
  type?: string;
  status?: string;
  text?: { body?: string; preview_url?: boolean };
  interactive?: {
    type?: string;
    body?: { text?: string };
    action?: {
      button?: string;
      buttons?: Array<{ type?: string; reply?: { id?: string; title?: string } }>;
      sections?: Array<{ title?: string; rows?: Array<{ id?: string; title?: string; description?: string }> }>;
      /** A Flow message's (`type: 'flow'`). */
      name?: string;
      parameters?: Record<string, unknown>;
    };
  };
  // Messenger / Instagram
  recipient?: { id?: string };
  messaging_type?: string;
  tag?: string;
  sender_action?: string;
  message?: { text?: string; quick_replies?: Array<{ content_type?: string; title?: string; payload?: string }> };
  [key: string]: unknown;
}

export interface Fault {
  status: number;
  body: unknown;
}

/** A body streamed in chunks (never held in memory), for download-cap tests. */
export interface LargeBody {
  readonly kind: 'large';
  readonly totalBytes: number;
  /** Send a Content-Length header (default false: chunked, so the client must count). */
  readonly declareLength: boolean;
  /** Bytes handed to the socket so far (over all requests for it). */
  bytesWritten: number;
  /** Requests for it that ended before the whole body was written. */
  abortedRequests: number;
  /** Requests for it that wrote the whole body. */
  completedRequests: number;
  /** Resolves when the latest request for it ended (completed or aborted). */
  ended: Promise<void>;
}

/** A streamed body of `totalBytes` bytes of JPEG-looking garbage. */
export function largeBody(totalBytes: number, opts: { declareLength?: boolean } = {}): LargeBody {
  return { kind: 'large', totalBytes, declareLength: opts.declareLength ?? false, bytesWritten: 0, abortedRequests: 0, completedRequests: 0, ended: Promise.resolve() };
}

type Body = Buffer | LargeBody;

interface MediaEntry {
  id: string;
  body: Body;
  mime: string;
  /** What the media-info answer says the size is; null leaves file_size out. */
  fileSize: number | null;
  /** The URL the media-info answer gives instead of this server's /media/{id}. */
  url?: string;
}

export interface FakeGraphOptions {
  whatsappToken: string;
  phoneNumberId: string;
  messengerToken?: string;
  instagramToken?: string;
  /** Graph version expected in paths, e.g. v25.0. */
  version?: string;
  /** Keep a copy of every request (default true; the benchmark turns it off to save memory). */
  record?: boolean;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x5a);

export class FakeGraph {
  readonly requests: RecordedRequest[] = [];
  readonly attempts: SendAttempt[] = [];
  /** Count of message sends answered 2xx, even when `record` is off. */
  sendCount = 0;
  private readonly media = new Map<string, MediaEntry>();
  private readonly cdn = new Map<string, { body: Body; mime: string }>();
  private readonly redirects = new Map<string, string>();
  private readonly faults: Fault[] = [];
  /** Delays (ms) of the next sends' answers. */
  private readonly lateAnswers: number[] = [];
  private readonly stalledMedia = new Set<string>();
  /** Sends taken whose answer is still held back. */
  private held = 0;
  private seq = 0;
  private readonly version: string;
  private readonly record: boolean;

  private readonly server: http.Server;
  private baseUrl = '';

  private constructor(private readonly options: FakeGraphOptions) {
    this.version = options.version ?? 'v25.0';
    this.record = options.record ?? true;
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(err), code: 1 } }));
      });
    });
    this.server.keepAliveTimeout = 30_000;
  }

  static async start(options: FakeGraphOptions): Promise<FakeGraph> {
    const fake = new FakeGraph(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const { port } = fake.server.address() as AddressInfo;
    fake.baseUrl = `http://127.0.0.1:${port}`;
    return fake;
  }

  /** e.g. http://127.0.0.1:41234 (GRAPH_API_BASE_URL of the service under test). */
  get url(): string {
    return this.baseUrl;
  }

  // ---- set-up -------------------------------------------------------------------------------

  /**
   * A WhatsApp media id: `GET /{version}/{id}` answers its URL on this server, and
   * `GET /media/{id}` serves the bytes with the WhatsApp token only. `fileSize` overrides the
   * declared `file_size` (null leaves it out, as a lying or missing size); `url` makes the answer
   * name another URL for the bytes (a hostile or redirected media URL).
   */
  addWhatsAppMedia(id: string, body: Body, mime: string, opts: { fileSize?: number | null; url?: string } = {}): void {
    const size = Buffer.isBuffer(body) ? body.length : body.totalBytes;
    this.media.set(id, { id, body, mime, fileSize: opts.fileSize === undefined ? size : opts.fileSize, ...(opts.url ? { url: opts.url } : {}) });
  }

  /** `GET path` on this server answers 302 to `location`; returns the full URL of `path`. */
  addRedirect(path: string, location: string): string {
    const p = path.startsWith('/') ? path : `/${path}`;
    this.redirects.set(p, location);
    return `${this.url}${p}`;
  }

  /** A Messenger/Instagram CDN file at `path` (served without authentication); returns its full URL. */
  addCdnFile(path: string, body: Body, mime: string): string {
    const p = path.startsWith('/') ? path : `/${path}`;
    this.cdn.set(p, { body, mime });
    return `${this.url}${p}`;
  }

  /** Files uploaded: WhatsApp media (by media id), and Messenger/Instagram attachments (also in their send's `filedata`). */
  readonly uploads: Array<UploadedFile & { id?: string }> = [];

  /** The next `n` message sends are answered with `fault` (e.g. 429 + code 130429) instead of being accepted. */
  failNext(n: number, fault: Fault): void {
    for (let k = 0; k < n; k++) this.faults.push(fault);
  }

  /**
   * The next `n` message sends are taken (delivered, as far as the user is concerned) at once, but
   * Graph's answer comes only after `ms`: a slow Graph, beyond the client's timeout.
   */
  answerLate(n: number, ms: number): void {
    for (let k = 0; k < n; k++) this.lateAnswers.push(ms);
  }

  /** How many sends were taken and not answered yet (see `answerLate`). */
  get unanswered(): number {
    return this.held;
  }

  /** The WhatsApp media look-up (`GET /{version}/{id}`) of this media id is never answered. */
  stallMediaLookup(id: string): void {
    this.stalledMedia.add(id);
  }

  reset(): void {
    this.requests.length = 0;
    this.attempts.length = 0;
    this.faults.length = 0;
    this.lateAnswers.length = 0;
    this.stalledMedia.clear();
    this.sendCount = 0;
  }

  close(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---- reading what was sent ----------------------------------------------------------------

  /** Bodies of the message sends that were accepted (2xx), in order: what users received. */
  sends(): SendBody[] {
    return this.attempts.filter((a) => a.status >= 200 && a.status < 300).map((a) => a.body);
  }

  /** Accepted sends to one user (WhatsApp `to` without "+", or the PSID/IGSID). */
  sendsTo(userId: string): SendBody[] {
    const id = userId.replace(/^\+/, '');
    return this.attempts.filter((a) => a.status >= 200 && a.status < 300 && a.to === id).map((a) => a.body);
  }

  /** The human-readable text of each accepted send to one user, in order. */
  textsTo(userId: string): string[] {
    return this.sendsTo(userId)
      .map(textOf)
      .filter((t): t is string => t !== undefined);
  }

  /** Every send attempt (including refused ones) to one user. */
  attemptsTo(userId: string): SendAttempt[] {
    const id = userId.replace(/^\+/, '');
    return this.attempts.filter((a) => a.to === id);
  }

  // ---- the server ---------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const raw = await readBody(req);
    let body: unknown;
    const contentType = String(req.headers['content-type'] ?? '');
    if (contentType.startsWith('multipart/form-data')) {
      body = await formFields(raw, contentType);
    } else if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8')) as unknown;
      } catch {
        body = undefined;
      }
    }
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body, status: 0 };
    if (this.record) this.requests.push(recorded);
    const answer = (status: number, json: unknown): void => {
      recorded.status = status;
      const text = JSON.stringify(json);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
    };
    const token = bearer(req.headers.authorization);
    const segments = url.pathname.split('/').filter(Boolean);

    // CDN files (Messenger / Instagram): no token.
    const location = this.redirects.get(url.pathname);
    if (location !== undefined && req.method === 'GET') {
      recorded.status = 302;
      res.writeHead(302, { location, 'content-length': '0' });
      res.end();
      return;
    }

    const cdn = this.cdn.get(url.pathname);
    if (cdn && req.method === 'GET') {
      recorded.status = 200;
      await serveBody(res, cdn.body, cdn.mime);
      return;
    }

    // WhatsApp media bytes: the token is required on the download too.
    if (segments[0] === 'media' && segments.length === 2 && req.method === 'GET') {
      if (token !== this.options.whatsappToken) return answer(401, authError());
      const entry = this.media.get(decodeURIComponent(segments[1] ?? ''));
      if (!entry) return answer(404, { error: { message: 'Media not found', code: 100 } });
      recorded.status = 200;
      await serveBody(res, entry.body, entry.mime);
      return;
    }

    if (segments[0] !== this.version) return answer(404, { error: { message: `Unknown path ${url.pathname}`, code: 100 } });

    // WhatsApp media upload (an officer's photo or PDF): kept, answered with a media id.
    if (req.method === 'POST' && segments.length === 3 && segments[2] === 'media' && segments[1] === this.options.phoneNumberId) {
      if (token !== this.options.whatsappToken) return answer(401, authError());
      const form = (body ?? {}) as Record<string, unknown>;
      const file = form.file as UploadedFile | undefined;
      if (form.messaging_product !== 'whatsapp' || !file) return answer(400, { error: { message: '(#100) Param file must be a file', code: 100 } });
      const id = `media-upload-${++this.seq}`;
      this.uploads.push({ id, ...file });
      return answer(200, { id });
    }

    // Message sends.
    if (req.method === 'POST' && segments.length === 3 && segments[2] === 'messages') {
      const node = segments[1] ?? '';
      let channel: SendChannel;
      if (node === 'me') {
        if (token && token === this.options.messengerToken) channel = 'messenger';
        else if (token && token === this.options.instagramToken) channel = 'instagram';
        else return answer(401, authError());
      } else if (node === this.options.phoneNumberId) {
        if (token !== this.options.whatsappToken) return answer(401, authError());
        channel = 'whatsapp';
      } else {
        return answer(400, { error: { message: `(#100) Unknown sender ${node}`, code: 100 } });
      }
      const send = (body ?? {}) as SendBody;
      const to = channel === 'whatsapp' ? String(send.to ?? '').replace(/^\+/, '') : String(send.recipient?.id ?? '');
      const attempt: SendAttempt = { channel, to, body: send, status: 0 };
      if (this.record) this.attempts.push(attempt);
      const fault = this.faults.shift();
      if (fault) {
        attempt.status = fault.status;
        return answer(fault.status, fault.body);
      }
      if (body === undefined) {
        attempt.status = 400;
        return answer(400, { error: { message: '(#100) Invalid JSON', code: 100 } });
      }
      attempt.status = 200;
      this.sendCount++;
      const n = ++this.seq;
      const late = this.lateAnswers.shift();
      if (late !== undefined) {
        this.held++;
        await new Promise((resolve) => setTimeout(resolve, late).unref());
        this.held--;
        if (res.destroyed) return;
      }
      if (channel === 'whatsapp') {
        if (send.status === 'read') return answer(200, { success: true });
        attempt.messageId = `wamid.fake${n}`;
        return answer(200, { messaging_product: 'whatsapp', contacts: [{ input: String(send.to ?? ''), wa_id: to }], messages: [{ id: attempt.messageId }] });
      }
      attempt.messageId = `m_fake${n}`;
      return answer(200, { recipient_id: to, message_id: attempt.messageId });
    }

    // WhatsApp media URL lookup.
    if (req.method === 'GET' && segments.length === 2) {
      if (token !== this.options.whatsappToken) return answer(401, authError());
      // Never answered: the request stays open until the client gives up or the fake closes.
      if (this.stalledMedia.has(decodeURIComponent(segments[1] ?? ''))) return;
      const entry = this.media.get(decodeURIComponent(segments[1] ?? ''));
      if (!entry) return answer(400, { error: { message: '(#100) Unsupported get request. Object does not exist', code: 100, error_subcode: 33 } });
      const bytes = Buffer.isBuffer(entry.body) ? entry.body : undefined;
      return answer(200, {
        url: entry.url ?? `${this.url}/media/${encodeURIComponent(entry.id)}`,
        mime_type: entry.mime,
        sha256: bytes ? createHash('sha256').update(bytes).digest('hex') : 'f'.repeat(64),
        ...(entry.fileSize !== null ? { file_size: entry.fileSize } : {}),
        id: entry.id,
        messaging_product: 'whatsapp',
      });
    }

    return answer(404, { error: { message: `Unknown path ${url.pathname}`, code: 100 } });
  }
}

/** The text a user reads in one send: WhatsApp text or interactive body, Messenger message text. */
export function textOf(send: SendBody): string | undefined {
  return send.text?.body ?? send.interactive?.body?.text ?? send.message?.text;
}

/**
 * The choices offered in one send, as `{ id, title }`: WhatsApp reply buttons or list rows,
 * Messenger/Instagram quick replies (`id` = payload).
 */
export function choicesOf(send: SendBody): Array<{ id: string; title: string }> {
  const buttons = send.interactive?.action?.buttons?.map((b) => ({ id: b.reply?.id ?? '', title: b.reply?.title ?? '' }));
  if (buttons) return buttons;
  const rows = send.interactive?.action?.sections?.flatMap((s) => s.rows ?? []).map((r) => ({ id: r.id ?? '', title: r.title ?? '' }));
  if (rows) return rows;
  return (send.message?.quick_replies ?? []).map((q) => ({ id: q.payload ?? '', title: q.title ?? '' }));
}

function authError() {
  return { error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190, fbtrace_id: 'fake' } };
}

function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m?.[1];
}

/** A file of a multipart request, as the fake kept it. */
export interface UploadedFile {
  fileName: string;
  mime: string;
  bytes: Buffer;
}

/** A multipart body's fields: text (parsed as JSON when it is JSON) and files (kept in `uploads` too). */
async function formFields(raw: Buffer, contentType: string): Promise<Record<string, unknown>> {
  const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  const fields: Record<string, unknown> = {};
  for (const [key, value] of form) {
    if (typeof value === 'string') {
      try {
        fields[key] = JSON.parse(value) as unknown;
      } catch {
        fields[key] = value;
      }
    } else {
      fields[key] = { fileName: value.name, mime: value.type, bytes: Buffer.from(await value.arrayBuffer()) } satisfies UploadedFile;
    }
  }
  return fields;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function serveBody(res: http.ServerResponse, body: Body, mime: string): Promise<void> {
  if (Buffer.isBuffer(body)) {
    res.writeHead(200, { 'content-type': mime, 'content-length': String(body.length) });
    res.end(body);
    return;
  }
  res.writeHead(200, { 'content-type': mime, ...(body.declareLength ? { 'content-length': String(body.totalBytes) } : {}) });
  let resolveEnded: () => void = () => undefined;
  body.ended = new Promise<void>((resolve) => (resolveEnded = resolve));
  let closed = false;
  res.on('close', () => {
    closed = true;
  });
  // A JPEG start of image, then filler; written with backpressure so only what the client reads
  // (plus the sockets' buffers) ever leaves, and the count stops as soon as the client hangs up.
  let remaining = body.totalBytes;
  let first = true;
  while (remaining > 0 && !closed) {
    const size = Math.min(remaining, CHUNK.length);
    const chunk = first ? Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), CHUNK.subarray(4, size)]) : CHUNK.subarray(0, size);
    first = false;
    const flushed = res.write(chunk);
    body.bytesWritten += size;
    remaining -= size;
    if (!flushed && !closed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  if (remaining > 0 || closed) {
    body.abortedRequests++;
    res.destroy();
  } else {
    body.completedRequests++;
    await new Promise<void>((resolve) => res.end(resolve));
  }
  resolveEnded();
}
