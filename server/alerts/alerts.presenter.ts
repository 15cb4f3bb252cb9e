import type { Locale } from '../core/i18n';
import { formatTime } from '../core/time';
import type { IndustryDomain } from '../taxonomy';
import type { AlertSubscription } from './alerts.service';

/** The settings form: every domain with its leaves, the chosen ones ticked. */
export function presentAlertSettings(subscription: AlertSubscription, domains: IndustryDomain[], locale: Locale) {
  const label = (industry: { zh: string; en: string }) => (locale === 'zh' ? industry.zh : industry.en);
  return {
    domains: domains.map((domain) => ({ code: domain.code, label: label(domain), leaves: domain.leaves.map((leaf) => ({ code: leaf.code, label: label(leaf) })) })),
    values: { enabled: subscription.enabled, leaves: subscription.leaves, keywords: subscription.keywords.join('、'), watch: subscription.watch },
    lastDigestAt: subscription.lastDigestAt ? formatTime(subscription.lastDigestAt) : '',
  };
}
