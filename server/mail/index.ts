import type { Connection } from 'mongoose';
import type { Config } from '../core/config';
import type { Logger } from '../core/logger';
import { mailRoutes } from './mail.routes';
import { createMailService } from './mail.service';
import { outboxModel } from './outbox.model';

export function createMailFeature(deps: { connection: Connection; config: Config; logger: Logger }) {
  const service = createMailService({ outbox: outboxModel(deps.connection), config: deps.config, logger: deps.logger.child({ component: 'mail' }) });
  return { service, router: mailRoutes(service) };
}

export type { MailService, OutboxMessage } from './mail.service';
export type { MailTemplates, MailTemplateName } from './mail.templates';
export { MAX_DELIVERY_ATTEMPTS } from './mail.service';
