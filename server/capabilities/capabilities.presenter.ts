import taxonomyFile from '../../seeds/taxonomy.json';
import type { Locale } from '../core/i18n';
import { renderMarkdown } from '../core/markdown';
import { beijingDay, formatTime } from '../core/time';
import { trlDefinition, trlOptions } from '../core/trl';
import type { OrganisationService } from '../organisations';
import { qualificationType } from '../qualifications/qualification-catalogue';
import type { IndustryDomain } from '../taxonomy';
import type { Capability, CapabilityDetail, CapabilityFile, HeldQualification } from './capabilities.service';
import { SPECIFICATION_ROWS } from './capabilities.schemas';

type Labelled = { code: string; zh: string; en: string };

function labelOf(list: readonly Labelled[], code: string, locale: Locale): string {
  return list.find((entry) => entry.code === code)?.[locale] ?? code;
}

export function listingKindLabel(code: string, locale: Locale): string {
  return labelOf(taxonomyFile.listingKinds, code, locale);
}

export function directionLabel(code: string, locale: Locale): string {
  return labelOf(taxonomyFile.directions, code, locale);
}

export interface LabelContext {
  locale: Locale;
  domains: IndustryDomain[];
}

function leafLabels(context: LabelContext): Map<string, string> {
  return new Map(context.domains.flatMap((domain) => domain.leaves.map((leaf) => [leaf.code, context.locale === 'zh' ? leaf.zh : leaf.en] as const)));
}

/** A qualification with what a buyer must know about it today: verified and in date, lapsed, or not yet verified. */
export function presentQualification(qualification: HeldQualification, locale: Locale, today = beijingDay(new Date())) {
  const type = qualificationType(qualification.type);
  const level = type?.levels.find((candidate) => candidate.code === qualification.level);
  const state = !qualification.verified ? 'unverified' : qualification.validUntil < today ? 'expired' : 'verified';
  return {
    id: qualification.id,
    label: type ? type[locale] : qualification.type,
    level: level ? (locale === 'zh' ? level.zh : level.code) : '',
    validUntil: qualification.validUntil,
    state,
  };
}

export function presentCapabilitySummary(capability: Capability, context: LabelContext & { organisationName?: string }) {
  const leaves = leafLabels(context);
  return {
    id: capability.id,
    href: `/capabilities/${capability.id}`,
    title: capability.title,
    summary: capability.summary,
    kind: listingKindLabel(capability.kind, context.locale),
    direction: directionLabel(capability.direction, context.locale),
    directionCode: capability.direction,
    industries: capability.industries.map((code) => leaves.get(code) ?? code),
    trl: capability.trl,
    status: capability.status,
    organisationName: context.organisationName ?? '',
    updatedAt: formatTime(capability.updatedAt).slice(0, 16),
    publishedAt: capability.publishedAt ? formatTime(capability.publishedAt).slice(0, 10) : '',
  };
}

function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function presentFile(file: CapabilityFile, href: string) {
  return { id: file.id, href, name: file.name, type: file.type.toUpperCase(), size: formatSize(file.size) };
}

/** Download links and gallery pictures; the service checks who may follow them again on every request. */
export function presentCapabilityFiles(capability: Capability) {
  return {
    attachments: capability.attachments.map((file) => presentFile(file, `/capabilities/${capability.id}/attachments/${file.id}`)),
    images: capability.images.map((image) => ({
      ...presentFile(image, `/capabilities/${capability.id}/images/${image.id}`),
      caption: image.caption,
      // The caption describes the picture; without one, the file name is the best text there is.
      alt: image.caption || image.name.replace(/\.[^.]*$/, ''),
    })),
  };
}

export function presentCapabilityDetail(found: CapabilityDetail, context: LabelContext & { organisations: OrganisationService }) {
  const { capability, organisation } = found;
  return {
    ...presentCapabilitySummary(capability, { ...context, organisationName: organisation.name }),
    organisation: { id: organisation.id, name: organisation.name, href: `/organisations/${organisation.id}`, kind: context.organisations.kindLabel(organisation.kind, context.locale) },
    descriptionHtml: renderMarkdown(capability.description),
    keywords: capability.keywords,
    trlDefinition: capability.trl ? trlDefinition(capability.trl, context.locale) : '',
    specifications: capability.specifications,
    scenarios: capability.scenarios,
    backing: found.backing.map((qualification) => presentQualification(qualification, context.locale)),
    ...presentCapabilityFiles(capability),
    declaredAt: capability.declaredAt ? formatTime(capability.declaredAt) : '',
    mayEdit: found.mayEdit,
    mayWithdraw: found.mayWithdraw,
  };
}

/** Form values from a stored capability, in the shape the form posts them. */
export function capabilityFormValues(capability: Capability): Record<string, unknown> {
  return {
    kind: capability.kind,
    direction: capability.direction,
    title: capability.title,
    summary: capability.summary,
    description: capability.description,
    industries: capability.industries,
    keywords: capability.keywords.join('、'),
    trl: capability.trl === null ? '' : String(capability.trl),
    scenarios: capability.scenarios.join('\n'),
    qualificationIds: capability.qualificationIds,
    specName: capability.specifications.map((row) => row.name),
    specValue: capability.specifications.map((row) => row.value),
    specUnit: capability.specifications.map((row) => row.unit),
  };
}

export function capabilityFormOptions(context: LabelContext & { directions: readonly string[]; qualifications: HeldQualification[] }) {
  const { locale } = context;
  return {
    kinds: taxonomyFile.listingKinds.map((kind) => ({ code: kind.code, label: kind[locale] })),
    directions: context.directions.map((code) => ({ code, label: directionLabel(code, locale) })),
    trlOptions: trlOptions(locale),
    qualifications: context.qualifications.map((qualification) => presentQualification(qualification, locale)),
    domains: context.domains.map((domain) => ({
      code: domain.code,
      label: locale === 'zh' ? domain.zh : domain.en,
      leaves: domain.leaves.map((leaf) => ({ code: leaf.code, label: locale === 'zh' ? leaf.zh : leaf.en })),
    })),
    specificationRows: SPECIFICATION_ROWS,
  };
}
