import { formatTime } from '../core/time';
import type { OutboxMessage } from './mail.service';

export function presentOutboxMessage(message: OutboxMessage) {
  return {
    id: message.id,
    href: `/admin/outbox/${message.id}`,
    to: message.to,
    from: message.from,
    subject: message.subject,
    text: message.text,
    template: message.template,
    status: message.status,
    attempts: message.attempts,
    lastError: message.lastError ?? '',
    createdAt: formatTime(message.createdAt),
    sentAt: message.sentAt ? formatTime(message.sentAt) : '',
    nextAttemptAt: message.nextAttemptAt ? formatTime(message.nextAttemptAt) : '',
  };
}

export function presentOutboxPage(result: { messages: OutboxMessage[]; total: number; page: number; pages: number }, status: string | undefined) {
  const href = (page: number) => `/admin/outbox?${new URLSearchParams({ ...(status ? { status } : {}), page: String(page) }).toString()}`;
  return {
    status: status ?? '',
    messages: result.messages.map(presentOutboxMessage),
    total: result.total,
    page: result.page,
    pages: result.pages,
    previousHref: result.page > 1 ? href(result.page - 1) : null,
    nextHref: result.page < result.pages ? href(result.page + 1) : null,
  };
}
