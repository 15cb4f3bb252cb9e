import type { Locale } from '../core/i18n';
import { formatTime } from '../core/time';
import type { RegionsService } from '../regions';
import type { IndustryDomain } from '../taxonomy';
import type { Organisation, OrganisationService } from './organisations.service';

export function presentOrganisation(
  organisation: Organisation,
  context: { organisations: OrganisationService; regions: RegionsService; domains: IndustryDomain[]; locale: Locale },
) {
  const leafLabels = new Map(context.domains.flatMap((domain) => domain.leaves.map((leaf) => [leaf.code, context.locale === 'zh' ? leaf.zh : leaf.en] as const)));
  return {
    id: organisation.id,
    name: organisation.name,
    creditCode: organisation.creditCode,
    kind: context.organisations.kindLabel(organisation.kind, context.locale),
    region: context.regions.label(organisation.province, organisation.city, context.locale),
    industries: organisation.industries.map((code) => leafLabels.get(code) ?? code),
    introduction: organisation.introduction,
    contact: organisation.contact,
    status: organisation.status,
    decision: organisation.verification
      ? { at: formatTime(organisation.verification.decidedAt), reason: organisation.verification.reason }
      : null,
    registeredAt: formatTime(organisation.createdAt).slice(0, 10),
  };
}
