import nodemailer from 'nodemailer';

/** One plain-text email to one person. */
export interface MailMessage {
  to: { name: string; address: string };
  subject: string;
  text: string;
}

/** How the notifier sends email; tests can pass a fake. */
export interface Mailer {
  /** Resolves once the server accepted the message; rejects on any refusal or timeout. */
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export interface SmtpMailerOptions {
  /**
   * `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://user:pass@host:465` (TLS);
   * nodemailer options may be added as query parameters (`?requireTLS=true`).
   */
  url: string;
  /** The From header, e.g. `PLN 123 <no-reply@pln.co.id>`. */
  from: string;
  /** Connection, greeting and DNS timeout; the socket may stay idle twice as long. Default 10 s. */
  timeoutMs?: number;
}

/**
 * An SMTP mailer (nodemailer) that never waits forever: a mail server that does not answer makes
 * `send` reject after the timeouts instead of holding the notification queue.
 *
 * @example const mailer = createSmtpMailer({ url: 'smtp://relay.pln.co.id:587', from: 'PLN 123 <no-reply@pln.co.id>' });
 */
export function createSmtpMailer(opts: SmtpMailerOptions): Mailer {
  const transport = nodemailer.createTransport(smtpUrlWithDefaults(opts.url, opts.timeoutMs ?? 10_000));
  return {
    async send(message) {
      await transport.sendMail({ from: opts.from, to: message.to, subject: message.subject, text: message.text });
    },
    close() {
      transport.close();
    },
  };
}

/**
 * nodemailer takes every setting from the URL once it is given one (other options passed beside
 * `url` are dropped), so the timeouts travel as its query parameters, unless the URL sets them.
 */
function smtpUrlWithDefaults(url: string, timeout: number): string {
  const u = new URL(url);
  const defaults: Record<string, string> = {
    connectionTimeout: String(timeout),
    greetingTimeout: String(timeout),
    dnsTimeout: String(timeout),
    socketTimeout: String(2 * timeout),
    // Plain text we compose ourselves: nothing may make nodemailer read files or fetch URLs.
    disableFileAccess: 'true',
    disableUrlAccess: 'true',
  };
  for (const [key, value] of Object.entries(defaults)) if (!u.searchParams.has(key)) u.searchParams.set(key, value);
  return u.toString();
}
