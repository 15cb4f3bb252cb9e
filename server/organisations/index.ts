import type { Connection } from 'mongoose';
import taxonomyFile from '../../seeds/taxonomy.json';
import type { AuditService } from '../audit';
import type { MailService } from '../mail';
import type { RegionsService } from '../regions';
import type { TaxonomyService } from '../taxonomy';
import { organisationModel } from './organisations.model';
import { organisationsRoutes } from './organisations.routes';
import { createOrganisationService } from './organisations.service';

export function createOrganisationsFeature(deps: {
  connection: Connection;
  taxonomy: TaxonomyService;
  regions: RegionsService;
  audit: AuditService;
  mail: MailService;
}) {
  const service = createOrganisationService({
    organisations: organisationModel(deps.connection),
    kinds: taxonomyFile.organisationKinds,
    taxonomy: deps.taxonomy,
    regions: deps.regions,
    audit: deps.audit,
    mail: deps.mail,
  });
  return { service, router: organisationsRoutes({ organisations: service, regions: deps.regions, taxonomy: deps.taxonomy }) };
}

export type { OrganisationService, Organisation, OrganisationKind } from './organisations.service';
export type { OrganisationStatus } from './organisations.model';
export { organisationInput, type OrganisationInput, type VerificationDecision } from './organisations.schemas';
export { isValidCreditCode, creditCodeCheckCharacter, normaliseCreditCode } from './credit-code';
