import nodemailer from 'nodemailer';
import type { Actor } from '../core/actor';
import type { Config } from '../core/config';
import { ForbiddenError, NotFoundError } from '../core/errors';
import type { Locale } from '../core/i18n';
import type { Logger } from '../core/logger';
import { renderMail, type MailTemplateName, type MailTemplates } from './mail.templates';
import type { OutboxModel, OutboxRecord, OutboxStatus } from './outbox.model';

export const MAX_DELIVERY_ATTEMPTS = 8;
/** A message still `queued` this long after its last change was interrupted mid-send (e.g. a crash). */
const STALE_QUEUED_MS = 5 * 60_000;
export const OUTBOX_PAGE_SIZE = 50;

export interface OutboxMessage {
  id: string;
  to: string;
  from: string;
  subject: string;
  text: string;
  template: string;
  locale: string;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  sentAt: Date | null;
  createdAt: Date;
}

function toMessage(record: OutboxRecord): OutboxMessage {
  return {
    id: record._id.toHexString(),
    to: record.to,
    from: record.from,
    subject: record.subject,
    text: record.text,
    template: record.template,
    locale: record.locale,
    status: record.status,
    attempts: record.attempts,
    lastError: record.lastError,
    nextAttemptAt: record.nextAttemptAt,
    sentAt: record.sentAt,
    createdAt: record.createdAt,
  };
}

/** 1, 2, 4 … minutes, capped at two hours, so a long SMTP outage is retried for about half a day. */
function retryDelayMs(attempts: number): number {
  return Math.min(2 ** (attempts - 1) * 60_000, 2 * 3_600_000);
}

function requirePlatformAdmin(actor: Actor | null): void {
  if (!actor?.roles.includes('platform-admin')) throw new ForbiddenError();
}

export interface MailServiceDeps {
  outbox: OutboxModel;
  config: Config;
  logger: Logger;
}

/**
 * Every message is written to the outbox before anything else happens, so an
 * SMTP outage loses nothing: failed deliveries are retried by the mail job.
 */
export function createMailService({ outbox, config, logger }: MailServiceDeps) {
  const transport = config.mail.smtpUrl
    ? nodemailer.createTransport({ url: config.mail.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 })
    : undefined;
  const baseUrl = (config.http.publicUrl ?? `http://${config.http.host}:${config.http.port}`).replace(/\/$/, '');

  async function deliver(id: OutboxRecord['_id']): Promise<OutboxStatus> {
    const record = await outbox.findById(id).lean<OutboxRecord>();
    if (!record || !transport) return record?.status ?? 'failed';
    try {
      await transport.sendMail({ from: record.from, to: record.to, subject: record.subject, text: record.text });
      await outbox.updateOne({ _id: id }, { $set: { status: 'sent', sentAt: new Date(), lastError: null, nextAttemptAt: null }, $inc: { attempts: 1 } });
      return 'sent';
    } catch (error) {
      const attempts = record.attempts + 1;
      const message = (error as Error).message || String(error);
      logger.warn({ err: message, outboxId: id.toHexString(), attempts }, 'mail delivery failed');
      await outbox.updateOne(
        { _id: id },
        {
          $set: {
            status: 'failed',
            lastError: message.slice(0, 1000),
            nextAttemptAt: attempts < MAX_DELIVERY_ATTEMPTS ? new Date(Date.now() + retryDelayMs(attempts)) : null,
          },
          $inc: { attempts: 1 },
        },
      );
      return 'failed';
    }
  }

  return {
    /** Absolute link for e-mails (PUBLIC_URL, or the listening address on a development machine). */
    link(path: string): string {
      return `${baseUrl}${path}`;
    },

    async send<N extends MailTemplateName>(message: { to: string; template: N; params: MailTemplates[N]; locale?: Locale }): Promise<{ id: string; status: OutboxStatus }> {
      const locale = message.locale ?? 'zh';
      const { subject, text } = renderMail(message.template, locale, message.params);
      const record = await outbox.create({
        to: message.to,
        from: config.mail.from,
        subject,
        text,
        template: message.template,
        locale,
        status: transport ? 'queued' : 'captured',
      });
      const status = transport ? await deliver(record._id) : 'captured';
      return { id: record._id.toHexString(), status };
    },

    /**
     * Retries failed deliveries whose back-off has passed, and messages left
     * `queued` by an interrupted process. Each message is claimed atomically
     * so two workers never send it twice.
     */
    async retryDue(options: { limit?: number } = {}): Promise<{ sent: number; failed: number }> {
      if (!transport) return { sent: 0, failed: 0 };
      const now = new Date();
      const result = { sent: 0, failed: 0 };
      for (let index = 0; index < (options.limit ?? 100); index++) {
        const claimed = await outbox
          .findOneAndUpdate(
            {
              $or: [
                { status: 'failed', attempts: { $lt: MAX_DELIVERY_ATTEMPTS }, nextAttemptAt: { $lte: now } },
                { status: 'queued', updatedAt: { $lte: new Date(now.getTime() - STALE_QUEUED_MS) } },
              ],
            },
            { $set: { status: 'queued' } },
            { sort: { nextAttemptAt: 1 }, returnDocument: 'after' },
          )
          .lean<OutboxRecord>();
        if (!claimed) break;
        result[(await deliver(claimed._id)) === 'sent' ? 'sent' : 'failed'] += 1;
      }
      return result;
    },

    async list(actor: Actor | null, options: { page: number; status?: OutboxStatus }): Promise<{ messages: OutboxMessage[]; total: number; page: number; pages: number }> {
      requirePlatformAdmin(actor);
      const filter = options.status ? { status: options.status } : {};
      const total = await outbox.countDocuments(filter);
      const pages = Math.max(1, Math.ceil(total / OUTBOX_PAGE_SIZE));
      const page = Math.min(options.page, pages);
      const records = await outbox
        .find(filter)
        .sort({ createdAt: -1, _id: -1 })
        .skip((page - 1) * OUTBOX_PAGE_SIZE)
        .limit(OUTBOX_PAGE_SIZE)
        .lean<OutboxRecord[]>();
      return { messages: records.map(toMessage), total, page, pages };
    },

    async get(actor: Actor | null, id: string): Promise<OutboxMessage> {
      requirePlatformAdmin(actor);
      const record = /^[a-f0-9]{24}$/.test(id) ? await outbox.findById(id).lean<OutboxRecord>() : null;
      if (!record) throw new NotFoundError('没有这封邮件 / No such message', { id });
      return toMessage(record);
    },
  };
}

export type MailService = ReturnType<typeof createMailService>;
