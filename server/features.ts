import type { Config } from './core/config';
import type { Store } from './core/db';
import type { Logger } from './core/logger';
import { createSearchIndexer, type SearchBinding, type SearchEngine } from '../search';
import { needVisibilityFilter } from '../search/needs';
import { organisationCollection } from '../search/organisations';
import { createAccountsFeature } from './accounts';
import { createAlertsFeature } from './alerts';
import { createAuditFeature } from './audit';
import { capabilitiesSearchBinding, CAPABILITY_COLLECTION, createCapabilitiesFeature } from './capabilities';
import { createFilesFeature } from './files';
import { createInboxFeature } from './inbox';
import { createMailFeature } from './mail';
import { createMatchingFeature } from './matching';
import { createNeedsFeature, needSearchBinding } from './needs';
import { createOrganisationsFeature, organisationsSearchBinding } from './organisations';
import { createProfilesFeature } from './profiles';
import { createQualificationsFeature } from './qualifications';
import { createRegionsFeature } from './regions';
import { createScreeningFeature } from './screening';
import { createSearchPagesFeature } from './search-pages';
import { createTaxonomyFeature, taxonomySearchBinding } from './taxonomy';

export interface FeatureDeps {
  config: Config;
  store: Store;
  search: SearchEngine;
  logger: Logger;
}

/**
 * The composition root for features: builds each feature's service once so
 * the web app, the job worker, seeds and tests share the same instances.
 */
export function createFeatures(deps: FeatureDeps) {
  const { connection } = deps.store;
  const regions = createRegionsFeature();
  // Sources read through services built below; they are only called once everything exists.
  const bindings: SearchBinding[] = [
    taxonomySearchBinding(connection),
    capabilitiesSearchBinding({ connection, regions: regions.service, readers: () => ({ organisations: organisations.service, qualifications: qualifications.service, responsiveness: (ids) => matching.service.responsiveness(ids) }) }),
    organisationsSearchBinding({ connection, regions: regions.service, readers: () => ({ qualifications: qualifications.service, capabilities: capabilities.service }) }),
    needSearchBinding(connection, () => organisations.service),
  ];
  const indexer = createSearchIndexer({
    connection,
    client: deps.search.client,
    bindings,
    logger: deps.logger,
    onCollectionBuilt: async (physical) => {
      await taxonomy.service.applySynonyms([physical]);
    },
  });
  const audit = createAuditFeature({ connection });
  const taxonomy = createTaxonomyFeature({
    connection,
    search: deps.search.client,
    indexer,
    audit: audit.service,
    logger: deps.logger,
    counters: {
      // What an anonymous visitor may find: the counts are shown to everyone.
      needs: { collection: 'needs', queryBy: 'title', publicFilter: needVisibilityFilter({ reviewer: false, organisationId: null, verifiedCreditCode: null }) },
      capabilities: { collection: CAPABILITY_COLLECTION, queryBy: 'title' },
    },
    synonymCollections: () => bindings.map((binding) => binding.definition.name),
  });
  const mail = createMailFeature({ connection, config: deps.config, logger: deps.logger });
  const screening = createScreeningFeature({ connection, audit: audit.service });
  const files = createFilesFeature({ connection, dataDir: deps.config.dataDir, audit: audit.service });
  const organisations = createOrganisationsFeature({
    connection,
    taxonomy: taxonomy.service,
    regions: regions.service,
    audit: audit.service,
    mail: mail.service,
    files: files.service,
    uploads: files.uploads,
    onOrganisationChanged: organisationChanged,
  });
  const qualifications = createQualificationsFeature({
    connection,
    organisations: organisations.service,
    files: files.service,
    uploads: files.uploads,
    audit: audit.service,
    mail: mail.service,
    onQualificationsChanged: organisationChanged,
  });
  const capabilities = createCapabilitiesFeature({
    connection,
    organisations: organisations.service,
    qualifications: qualifications.service,
    taxonomy: taxonomy.service,
    screening: screening.service,
    audit: audit.service,
    indexer,
    uploads: files.uploads,
    onPublished: (capabilityId) => alerts.service.listingPublished('capability', capabilityId),
  });
  const needs = createNeedsFeature({
    connection,
    dataDir: deps.config.dataDir,
    search: deps.search.client,
    indexer,
    organisations: organisations.service,
    qualifications: qualifications.service,
    taxonomy: taxonomy.service,
    regions: regions.service,
    screening: screening.service,
    audit: audit.service,
    onPublished: (needId) => alerts.service.listingPublished('need', needId),
  });
  const inbox = createInboxFeature({ connection, organisations: organisations.service, mail: mail.service });
  const matching = createMatchingFeature({
    connection,
    search: deps.search.client,
    needs: needs.service,
    capabilities: capabilities.service,
    organisations: organisations.service,
    qualifications: qualifications.service,
    regions: regions.service,
    taxonomy: taxonomy.service,
    screening: screening.service,
    audit: audit.service,
    inbox: inbox.service,
    uploads: files.uploads,
  });
  const alerts = createAlertsFeature({
    connection,
    needs: needs.service,
    capabilities: capabilities.service,
    organisations: organisations.service,
    taxonomy: taxonomy.service,
    matching: matching.service,
    inbox: inbox.service,
  });
  const searchPages = createSearchPagesFeature({ needs: needs.service, search: deps.search.client, taxonomy: taxonomy.service, organisations: organisations.service, regions: regions.service });
  const profiles = createProfilesFeature({ organisations: organisations.service, qualifications: qualifications.service, regions: regions.service, taxonomy: taxonomy.service });
  const accounts = createAccountsFeature({
    connection,
    organisations: organisations.service,
    regions: regions.service,
    taxonomy: taxonomy.service,
    audit: audit.service,
    mail: mail.service,
  });
  /** An organisation's verification, profile or qualifications changed: its search documents follow. */
  async function organisationChanged(organisationId: string): Promise<void> {
    await indexer.changed(organisationCollection.name, [organisationId]);
    await capabilities.service.organisationChanged(organisationId);
    await needs.service.organisationChanged(organisationId);
  }
  return { indexer, taxonomy, audit, mail, regions, files, organisations, qualifications, profiles, accounts, screening, capabilities, needs, inbox, matching, alerts, searchPages };
}

export type Features = ReturnType<typeof createFeatures>;
