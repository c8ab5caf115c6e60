import { Hono } from 'hono';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { listen, type RunningServer } from '../serve.ts';

export interface CaughtMail {
  id: number;
  at: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

export interface MailCatcher {
  /** Where the product sends mail in sandbox mode: `smtp://127.0.0.1:port`. */
  smtpUrl: string;
  /** Where a person reads what arrived. */
  inboxUrl: string;
  messages: CaughtMail[];
  close: () => Promise<void>;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * A local SMTP server that keeps every message it is sent, and a page to read them: the
 * sandbox's inbox, so digests can be seen without a real mail server. Loopback only; any
 * login is accepted and no TLS is offered.
 */
export async function startMailCatcher(options: { smtpPort?: number; httpPort?: number } = {}): Promise<MailCatcher> {
  const messages: CaughtMail[] = [];
  let next = 1;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    banner: 'sandbox mail catcher',
    logger: false,
    onData(stream, session, done) {
      simpleParser(stream)
        .then((mail) => {
          messages.push({
            id: next++,
            at: new Date().toISOString(),
            from: mail.from?.text ?? session.envelope.mailFrom?.toString() ?? '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
          });
          done();
        })
        .catch((error: Error) => done(error));
    },
  });
  const smtpPort = await new Promise<number>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(options.smtpPort ?? 0, '127.0.0.1', () => {
      const address = smtp.server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  const app = new Hono()
    .get('/messages', (c) => c.json([...messages].reverse()))
    .delete('/messages', (c) => {
      messages.splice(0, messages.length);
      return c.json({ ok: true });
    })
    .get('/', (c) =>
      c.html(
        '<!doctype html><meta charset="utf-8"><title>Sandbox inbox</title>' +
          '<style>body{font:14px system-ui;margin:2rem;max-width:60rem}' +
          'article{border:1px solid #ccc;padding:1rem;margin:1rem 0}pre{white-space:pre-wrap}</style>' +
          `<h1>Sandbox inbox (${messages.length})</h1>${
            messages.length === 0
              ? '<p>No mail yet. Send a test from Settings › Notifications.</p>'
              : [...messages]
                  .reverse()
                  .map(
                    (m) =>
                      `<article><h2>${escapeHtml(m.subject)}</h2>` +
                      `<p>To ${escapeHtml(m.to.join(', '))} · ${escapeHtml(m.at)}</p>` +
                      `<pre>${escapeHtml(m.text)}</pre></article>`,
                  )
                  .join('')
          }`,
      ),
    );
  let http: RunningServer;
  try {
    http = await listen(app, options.httpPort ?? 0);
  } catch (error) {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    throw error;
  }
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    inboxUrl: `${http.url}/`,
    messages,
    close: async () => {
      await http.close();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}
