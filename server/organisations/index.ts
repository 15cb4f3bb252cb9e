import type { Connection } from 'mongoose';
import taxonomyFile from '../../seeds/taxonomy.json';
import type { UploadArea } from '../core/upload';
import type { AuditService } from '../audit';
import type { FileService } from '../files';
import type { MailService } from '../mail';
import type { RegionsService } from '../regions';
import type { TaxonomyService } from '../taxonomy';
import { organisationModel } from './organisations.model';
import { organisationsRoutes } from './organisations.routes';
import { organisationSearchBinding, type OrganisationIndexReaders } from './organisations.search-source';
import { createOrganisationService } from './organisations.service';

export function createOrganisationsFeature(deps: {
  connection: Connection;
  taxonomy: TaxonomyService;
  regions: RegionsService;
  audit: AuditService;
  mail: MailService;
  files: FileService;
  uploads: UploadArea;
  onOrganisationChanged?: (organisationId: string) => Promise<void>;
}) {
  const service = createOrganisationService({
    organisations: organisationModel(deps.connection),
    kinds: taxonomyFile.organisationKinds,
    taxonomy: deps.taxonomy,
    regions: deps.regions,
    audit: deps.audit,
    mail: deps.mail,
    files: deps.files,
    onOrganisationChanged: deps.onOrganisationChanged,
  });
  return {
    service,
    router: organisationsRoutes({ organisations: service, regions: deps.regions, taxonomy: deps.taxonomy, files: deps.files, uploads: deps.uploads }),
  };
}

export type { OrganisationService, Organisation, OrganisationKind } from './organisations.service';
export { OrganisationUnverifiedError } from './organisations.service';
export { presentOrganisation, presentOrganisationFormOptions, type OrganisationContext } from './organisations.presenter';
export type { OrganisationStatus } from './organisations.model';

/** The organisations search collection; `readers` is late-bound because the indexer is built before the features. */
export function organisationsSearchBinding(deps: { connection: Connection; regions: RegionsService; readers: () => OrganisationIndexReaders }) {
  return organisationSearchBinding({ organisations: organisationModel(deps.connection), regions: deps.regions, readers: deps.readers });
}
export { organisationInput, organisationParams, phoneNumber, emailAddress, type OrganisationInput, type VerificationDecision } from './organisations.schemas';
export { isValidCreditCode, creditCodeCheckCharacter, normaliseCreditCode } from './credit-code';
