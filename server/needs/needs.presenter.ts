import taxonomyFile from '../../seeds/taxonomy.json';
import type { Locale, MessageKey, Translate } from '../core/i18n';
import { renderMarkdown } from '../core/markdown';
import { formatTime } from '../core/time';
import { trlDefinition, trlOptions } from '../core/trl';
import { QUALIFICATION_TYPES, qualificationType } from '../qualifications';
import type { OrganisationService } from '../organisations';
import type { RegionsService } from '../regions';
import type { IndustryDomain } from '../taxonomy';
import { NEED_VISIBILITIES } from './needs.model';
import type { NeedDetails, NeedManagement, NeedSummary, NeedView } from './needs.service';

export interface NeedLabelContext {
  locale: Locale;
  t: Translate;
  domains: IndustryDomain[];
  organisations: OrganisationService;
  regions: RegionsService;
}

const listingKinds = new Map(taxonomyFile.listingKinds.map((kind) => [kind.code, kind]));

function leafLabel(code: string, context: NeedLabelContext): string {
  for (const domain of context.domains) {
    const leaf = domain.leaves.find((candidate) => candidate.code === code);
    if (leaf) return context.locale === 'zh' ? leaf.zh : leaf.en;
  }
  return code;
}

function provinceLabel(code: string, context: NeedLabelContext): string {
  const province = context.regions.provinces().find((candidate) => candidate.code === code);
  return province ? province[context.locale] : code;
}

export function qualificationRequirementLabel(requirement: { type: string; minLevel: string | null }, context: Pick<NeedLabelContext, 'locale' | 't'>): string {
  const type = qualificationType(requirement.type);
  if (!type) return requirement.type;
  const level = type.levels.find((candidate) => candidate.code === requirement.minLevel);
  const name = type[context.locale];
  return level ? `${name}（${context.t('needs.minLevel', { level: context.locale === 'zh' ? level.zh : level.code })}）` : name;
}

function day(date: Date): string {
  return formatTime(date).slice(0, 10);
}

export function presentNeedSummary(need: NeedSummary, context: NeedLabelContext) {
  return {
    id: need.id,
    href: `/needs/${need.id}`,
    title: need.title,
    summary: need.summary,
    kind: listingKinds.get(need.kind)?.[context.locale] ?? need.kind,
    industries: need.industries.map((code) => leafLabel(code, context)),
    organisationName: need.organisation.name,
    organisationKind: context.organisations.kindLabel(need.organisation.kind, context.locale),
    organisationKindCode: need.organisation.kind,
    province: provinceLabel(need.organisation.province, context),
    qualifications: need.qualificationRequirements.map((requirement) => qualificationRequirementLabel(requirement, context)),
    visibility: need.visibility,
    visibilityLabel: context.t(`needs.visibility.${need.visibility}`),
    status: need.status,
    statusLabel: context.t(`needs.status.${need.status}`),
    closureLabel: need.closure ? context.t(`needs.closure.${need.closure.reason}`) : '',
    deadline: day(need.responseDeadline),
    publishedAt: need.publishedAt ? day(need.publishedAt) : '',
  };
}

function budgetText(budget: NeedDetails['budget'], t: Translate): string {
  if (!budget) return '';
  if (budget.min !== null && budget.max !== null) return t('needs.budget.range', { min: budget.min, max: budget.max });
  if (budget.min !== null) return t('needs.budget.from', { min: budget.min });
  return t('needs.budget.upTo', { max: budget.max ?? 0 });
}

function presentManagement(management: NeedManagement, context: NeedLabelContext) {
  return {
    budgetHidden: management.budgetHidden,
    invitedCreditCodes: management.invitedCreditCodes,
    heldFindings: management.heldFindings,
    reviewComments: management.reviewComments,
    revisions: management.revisions.map((revision) => ({
      number: revision.number,
      at: formatTime(revision.at),
      action: context.t(`needs.action.${revision.action}` as MessageKey),
      toStatus: context.t(`needs.status.${revision.toStatus}`),
      comment: revision.comment,
      changed: revision.changed.join(', '),
    })),
  };
}

export function presentNeedView(view: NeedView, context: NeedLabelContext) {
  const summary = presentNeedSummary(view.need, context);
  if (view.access === 'summary') return { access: 'summary' as const, need: summary, details: null, management: null, canManage: false, canReview: false };
  const need = view.need;
  return {
    access: 'details' as const,
    need: summary,
    details: {
      descriptionHtml: renderMarkdown(need.description),
      minTrl: need.requirements.minTrl,
      minTrlDefinition: need.requirements.minTrl ? trlDefinition(need.requirements.minTrl, context.locale) : '',
      preferredRegions: need.requirements.preferredRegions.map((code) => provinceLabel(code, context)),
      quantity: need.quantity,
      budget: budgetText(need.budget, context.t),
      deliveryPlace: need.delivery.place,
      deliveryTime: need.delivery.time,
      contact: need.contact,
      attachments: need.attachments.map((attachment) => ({
        id: attachment.id,
        href: `/needs/${need.id}/attachments/${attachment.id}`,
        name: attachment.name,
        type: attachment.type.toUpperCase(),
        size: attachment.size < 1024 * 1024 ? `${Math.max(1, Math.round(attachment.size / 1024))} KB` : `${(attachment.size / (1024 * 1024)).toFixed(1)} MB`,
      })),
    },
    management: view.management ? presentManagement(view.management, context) : null,
    canManage: view.canManage,
    canReview: view.canReview,
  };
}

export type NeedPageView = ReturnType<typeof presentNeedView>;

/** Option lists of the need form. */
export function needFormOptions(context: NeedLabelContext) {
  return {
    kinds: taxonomyFile.listingKinds.map((kind) => ({ code: kind.code, label: kind[context.locale] })),
    domains: context.domains.map((domain) => ({
      code: domain.code,
      label: context.locale === 'zh' ? domain.zh : domain.en,
      leaves: domain.leaves.map((leaf) => ({ code: leaf.code, label: context.locale === 'zh' ? leaf.zh : leaf.en })),
    })),
    qualificationTypes: QUALIFICATION_TYPES.map((type) => ({
      code: type.code,
      label: type[context.locale],
      levels: type.levels.map((level) => ({ code: level.code, label: context.locale === 'zh' ? level.zh : level.code })),
    })),
    provinces: context.regions.provinces().map((province) => ({ code: province.code, label: province[context.locale] })),
    trlOptions: trlOptions(context.locale),
    visibilities: NEED_VISIBILITIES.map((code) => ({ code, label: context.t(`needs.visibility.${code}`), hint: context.t(`needs.visibility.${code}.hint`) })),
  };
}

/** The form values of a saved need, named as the form's fields. */
export function needFormValues(need: NeedDetails, management: NeedManagement): Record<string, unknown> {
  return {
    kind: need.kind,
    title: need.title,
    summary: need.summary,
    description: need.description,
    industries: need.industries,
    qualifications: need.requirements.qualifications.map((requirement) => requirement.type),
    ...Object.fromEntries(need.requirements.qualifications.map((requirement) => [`minLevel_${requirement.type}`, requirement.minLevel ?? ''])),
    minTrl: need.requirements.minTrl ?? '',
    preferredRegions: need.requirements.preferredRegions,
    quantity: need.quantity,
    budgetMin: need.budget?.min ?? '',
    budgetMax: need.budget?.max ?? '',
    budgetHidden: management.budgetHidden ? 'on' : undefined,
    responseDeadline: day(need.responseDeadline),
    deliveryPlace: need.delivery.place,
    deliveryTime: need.delivery.time,
    contactPerson: need.contact.person,
    contactPhone: need.contact.phone,
    contactEmail: need.contact.email,
    visibility: need.visibility,
    invitedCreditCodes: management.invitedCreditCodes.join('\n'),
  };
}
