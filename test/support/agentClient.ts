/**
 * An officer using the agent console's API (/agent/api) the way the page does: signs in, keeps
 * the session cookie and the CSRF token, and sends the token with every change.
 */
export class AgentClient {
  cookie: string | null = null;
  csrfToken: string | null = null;

  constructor(readonly baseUrl: string) {}

  static async signIn(baseUrl: string, username: string, password: string): Promise<AgentClient> {
    const client = new AgentClient(baseUrl);
    const res = await client.login(username, password);
    if (res.status !== 200) throw new Error(`sign-in answered ${res.status}`);
    return client;
  }

  async login(username: string, password: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${this.baseUrl}/agent/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    const setCookie = res.headers.get('set-cookie');
    if (res.status === 200 && setCookie) {
      this.cookie = setCookie.split(';')[0] ?? null;
      this.csrfToken = String(body.csrfToken);
    }
    return { status: res.status, body };
  }

  async get<T = Record<string, unknown>>(path: string): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.baseUrl}${path}`, { headers: this.cookie ? { cookie: this.cookie } : {} });
    return { status: res.status, body: (await res.json()) as T };
  }

  /** POST with the session and (unless `csrf: false`) the CSRF token. */
  async post<T = Record<string, unknown>>(path: string, body: unknown = {}, opts: { csrf?: boolean; headers?: Record<string, string> } = {}): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(opts.headers ?? {}) };
    if (this.cookie) headers.cookie = this.cookie;
    if (opts.csrf !== false && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    const res = await fetch(`${this.baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  /** POSTs raw bytes (a file for the customer) with the session and CSRF token. */
  async postBytes<T = Record<string, unknown>>(path: string, bytes: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
    const all: Record<string, string> = { 'content-type': 'application/octet-stream', ...headers };
    if (this.cookie) all.cookie = this.cookie;
    if (this.csrfToken) all['x-csrf-token'] = this.csrfToken;
    const res = await fetch(`${this.baseUrl}${path}`, { method: 'POST', headers: all, body: new Uint8Array(bytes) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  /**
   * Opens the live event stream and collects its events until `until` returns true for one of
   * them (or the timeout passes); resolves with every event seen.
   */
  async events(until: (event: { event: string; data: unknown }) => boolean, timeoutMs = 5000, started?: (stop: () => void) => void): Promise<Array<{ event: string; data: unknown }>> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const seen: Array<{ event: string; data: unknown }> = [];
    try {
      const res = await fetch(`${this.baseUrl}/agent/api/events`, { headers: this.cookie ? { cookie: this.cookie } : {}, signal: controller.signal });
      if (res.status !== 200 || !res.body) throw new Error(`event stream answered ${res.status}`);
      started?.(() => controller.abort());
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (!event || data === undefined) continue;
          const parsed = { event, data: JSON.parse(data) as unknown };
          seen.push(parsed);
          if (until(parsed)) return seen;
        }
      }
    } catch (err) {
      if (!controller.signal.aborted) throw err;
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
    return seen;
  }
}
