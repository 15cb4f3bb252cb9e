import type { Actor } from '../core/actor';
import { presentOrganisation, type Organisation, type OrganisationContext } from '../organisations';
import { presentQualificationSummary, type Qualification } from '../qualifications';

export function presentProfile(found: { organisation: Organisation; qualifications: Qualification[] }, actor: Actor | null, context: OrganisationContext) {
  return {
    organisation: presentOrganisation(found.organisation, context),
    qualifications: found.qualifications.map((qualification) => presentQualificationSummary(qualification, context.locale)),
    canEdit: actor?.organisationId === found.organisation.id && actor.roles.includes('org-admin'),
  };
}

export function presentDirectory(result: { organisations: Organisation[]; total: number; page: number; pages: number }, context: OrganisationContext) {
  const pageHref = (page: number) => `/organisations?page=${page}`;
  return {
    organisations: result.organisations.map((organisation) => presentOrganisation(organisation, context)),
    total: result.total,
    page: result.page,
    pages: result.pages,
    previousHref: result.page > 1 ? pageHref(result.page - 1) : null,
    nextHref: result.page < result.pages ? pageHref(result.page + 1) : null,
  };
}
