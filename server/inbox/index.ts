import type { Connection } from 'mongoose';
import type { MailService } from '../mail';
import type { OrganisationService } from '../organisations';
import { notificationModel } from './inbox.model';
import { inboxRoutes } from './inbox.routes';
import { createInboxService } from './inbox.service';

export function createInboxFeature(deps: { connection: Connection; organisations: OrganisationService; mail: MailService }) {
  const service = createInboxService({ notifications: notificationModel(deps.connection), organisations: deps.organisations, mail: deps.mail });
  return { service, router: inboxRoutes(service) };
}

export type { InboxService, Notification, NotificationInput } from './inbox.service';
