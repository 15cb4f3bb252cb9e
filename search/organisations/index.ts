export { organisationCollection, organisationQualificationField } from './organisation.collection';
export { toOrganisationDocument, type OrganisationIndexInput, type OrganisationSearchDocument } from './organisation.mapper';
export { buildOrganisationSearch, ORGANISATION_FACETS, type OrganisationQuery } from './organisation.query';
export { toOrganisationSearchResult, type OrganisationHit, type OrganisationSearchResult } from './organisation.response';
