import type { Locale } from '../core/i18n';
import { formatTime } from '../core/time';
import { presentFileLink, type StoredFile } from '../files';
import type { RegionsService } from '../regions';
import { presentDomain, type IndustryDomain } from '../taxonomy';
import type { Organisation, OrganisationService } from './organisations.service';

export interface OrganisationContext {
  organisations: OrganisationService;
  regions: RegionsService;
  domains: IndustryDomain[];
  locale: Locale;
}

export function presentOrganisation(organisation: Organisation, context: OrganisationContext) {
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
    verified: organisation.status === 'verified',
    decision: organisation.verification
      ? { at: formatTime(organisation.verification.decidedAt), reason: organisation.verification.reason }
      : null,
    licenceSubmittedAt: organisation.licenceSubmittedAt ? formatTime(organisation.licenceSubmittedAt) : null,
    registeredAt: formatTime(organisation.createdAt).slice(0, 10),
    href: `/organisations/${organisation.id}`,
  };
}

/** Option lists of the registration and profile forms. */
export function presentOrganisationFormOptions(context: OrganisationContext) {
  const { locale } = context;
  return {
    kinds: context.organisations.kinds().map((kind) => ({ code: kind.code, label: kind[locale] })),
    provinces: context.regions.provinces().map((province) => ({
      code: province.code,
      label: province[locale],
      cities: province.cities.map((city) => ({ value: city.zh, label: city[locale] })),
    })),
    domains: context.domains.map((domain) => presentDomain(domain, locale)),
  };
}

/** The profile form filled with what is stored. */
export function organisationFormValues(organisation: Organisation) {
  return {
    name: organisation.name,
    creditCode: organisation.creditCode,
    province: organisation.province,
    city: organisation.city,
    industries: organisation.industries,
    introduction: organisation.introduction,
    contactPerson: organisation.contact.person,
    contactPhone: organisation.contact.phone,
    contactEmail: organisation.contact.email,
  };
}

export function presentReviewItem(item: { organisation: Organisation; licence: StoredFile | null }, context: OrganisationContext) {
  return { ...presentOrganisation(item.organisation, context), licence: item.licence ? presentFileLink(item.licence) : null };
}
