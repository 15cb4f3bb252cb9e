import type { Locale } from '../core/i18n';
import { beijingDay, formatTime } from '../core/time';
import { presentFileLink } from '../files';
import { QUALIFICATION_TYPES, qualificationType } from './qualification-catalogue';
import type { Qualification, QualificationWithScan } from './qualifications.service';

function labels(qualification: Pick<Qualification, 'type' | 'level'>, locale: Locale) {
  const type = qualificationType(qualification.type);
  const level = type?.levels.find((candidate) => candidate.code === qualification.level);
  // The catalogue names levels in Chinese only (一级, 甲级, …); they are terms of art either way.
  return { type: type ? type[locale] : qualification.type, level: level?.zh ?? '' };
}

/** What the public sees: only qualifications that count, and never the scan. */
export function presentQualificationSummary(qualification: Qualification, locale: Locale) {
  const label = labels(qualification, locale);
  return { type: label.type, level: label.level, validUntil: qualification.expiresOn, verified: qualification.status === 'verified' };
}

/** For the organisation itself and for reviewers: every status, with the scan. */
export function presentQualification(item: QualificationWithScan, locale: Locale, today = beijingDay(new Date())) {
  const { qualification } = item;
  const label = labels(qualification, locale);
  return {
    id: qualification.id,
    type: label.type,
    level: label.level,
    certificateNumber: qualification.certificateNumber,
    issuingAuthority: qualification.issuingAuthority,
    issuedOn: qualification.issuedOn,
    expiresOn: qualification.expiresOn,
    lapsed: qualification.expiresOn < today,
    status: qualification.status,
    counts: qualification.status === 'verified' && qualification.expiresOn >= today,
    decision: qualification.decision ? { at: formatTime(qualification.decision.decidedAt), reason: qualification.decision.reason } : null,
    scan: item.scan ? presentFileLink(item.scan) : null,
    editHref: `/organisation/qualifications/${qualification.id}/edit`,
  };
}

/** The type list and, grouped by type, the levels for the form. */
export function qualificationFormOptions(locale: Locale) {
  return {
    types: QUALIFICATION_TYPES.map((type) => ({ code: type.code, label: type[locale], levels: type.levels.map((level) => ({ code: level.code, label: level.zh })) })),
  };
}

export function qualificationFormValues(qualification: Qualification) {
  return {
    type: qualification.type,
    level: qualification.level ?? '',
    certificateNumber: qualification.certificateNumber,
    issuingAuthority: qualification.issuingAuthority,
    issuedOn: qualification.issuedOn,
    expiresOn: qualification.expiresOn,
  };
}
