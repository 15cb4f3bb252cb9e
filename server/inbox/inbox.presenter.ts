import { formatTime } from '../core/time';
import type { Notification } from './inbox.service';

export function presentNotification(notification: Notification) {
  return { ...notification, at: formatTime(notification.createdAt) };
}
