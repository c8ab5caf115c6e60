import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** Sends mail by SMTP; where it is sent is known only once the process has started (the sandbox's catcher). */
export interface Mailer {
  /** Points the mailer at an SMTP server (`smtp://user:pass@host:587`); undefined turns email off. */
  use(url: string | undefined): void;
  readonly configured: boolean;
  send(message: MailMessage): Promise<void>;
}

export class MailError extends Error {}

/**
 * An SMTP mailer on nodemailer. The URL carries the credentials, so it is never logged or
 * shown; an error names the server only by host.
 */
export function smtpMailer(from: string, url?: string): Mailer {
  let current = url;
  let transport: ReturnType<typeof nodemailer.createTransport> | undefined;
  return {
    use(next) {
      current = next;
      transport?.close();
      transport = undefined;
    },
    get configured() {
      return Boolean(current);
    },
    async send(message) {
      if (!current) throw new MailError('No mail server is set up (SMTP_URL), so no email was sent.');
      transport ??= nodemailer.createTransport(current);
      try {
        await transport.sendMail({ from, ...message, to: message.to.join(', ') });
      } catch (error) {
        const host = (() => {
          try {
            return new URL(current).host;
          } catch {
            return 'the mail server';
          }
        })();
        throw new MailError(`${host} did not take the email: ${(error as Error).message}`);
      }
    },
  };
}
