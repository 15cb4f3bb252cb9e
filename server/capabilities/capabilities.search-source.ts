import { capabilityCollection } from '../../search/capabilities/capability.collection';
import { toCapabilityDocument, type CapabilityIndexInput } from '../../search/capabilities/capability.mapper';
import type { SearchBinding, SearchDocument, SearchSource } from '../../search';
import type { OrganisationService } from '../organisations';
import type { RegionsService } from '../regions';
import type { CapabilityModel, CapabilityRecord } from './capabilities.model';
import type { QualificationsReader } from './capabilities.service';

export interface CapabilitySourceDeps {
  capabilities: CapabilityModel;
  regions: RegionsService;
  /**
   * The services the documents are read through. A getter, because the
   * indexer is built before the features that depend on it.
   */
  readers: () => { organisations: OrganisationService; qualifications: QualificationsReader; responsiveness: ResponsivenessReader };
}

/** How reliably organisations answer invitations (the matching feature keeps the threads). */
export type ResponsivenessReader = (organisationIds: string[]) => Promise<Map<string, number | null>>;

/**
 * Published capabilities of verified organisations, each with its
 * organisation's facts and qualifications as the capabilities mapper wants
 * them. Anything else is absent, so the indexer removes it from search.
 */
export function capabilitySearchSource(deps: CapabilitySourceDeps): SearchSource {
  const provinceNames = new Map(deps.regions.provinces().map((province) => [province.code, province.zh]));

  async function documentsFor(records: CapabilityRecord[]): Promise<SearchDocument[]> {
    const organisationIds = [...new Set(records.map((record) => record.organisationId))];
    const { organisations, qualifications, responsiveness } = deps.readers();
    const [owners, held, answering] = await Promise.all([organisations.findMany(organisationIds), qualifications.forOrganisations(organisationIds), responsiveness(organisationIds)]);
    return records.flatMap((record) => {
      const organisation = owners.get(record.organisationId);
      if (!organisation || organisation.status !== 'verified' || !record.publishedAt) return [];
      const input: CapabilityIndexInput = {
        capability: {
          id: record._id.toHexString(),
          kind: record.kind,
          direction: record.direction,
          title: record.title,
          summary: record.summary,
          description: record.description,
          keywords: record.keywords,
          industries: record.industries,
          trl: record.trl ?? null,
          publishedAt: record.publishedAt,
          updatedAt: record.updatedAt,
        },
        organisation: {
          id: organisation.id,
          kind: organisation.kind,
          province: provinceNames.get(organisation.province) ?? null,
          verified: true,
          // Profile edits re-index explicitly (onOrganisationChanged); the revision only needs to move with verification.
          updatedAt: organisation.verification?.decidedAt ?? organisation.createdAt,
          responsiveness: answering.get(organisation.id) ?? null,
        },
        qualifications: (held.get(organisation.id) ?? []).map((qualification) => ({
          type: qualification.type,
          level: qualification.level,
          validUntil: qualification.validUntil,
          verified: qualification.verified,
        })),
      };
      return [toCapabilityDocument(input)];
    });
  }

  return {
    async load(ids) {
      const valid = ids.filter((id) => /^[a-f0-9]{24}$/.test(id));
      return documentsFor(await deps.capabilities.find({ _id: { $in: valid }, status: 'published' }).lean<CapabilityRecord[]>());
    },
    async *scan(batchSize) {
      let batch: CapabilityRecord[] = [];
      for await (const record of deps.capabilities.find({ status: 'published' }).sort({ _id: 1 }).lean<CapabilityRecord[]>().cursor()) {
        batch.push(record as CapabilityRecord);
        if (batch.length >= batchSize) {
          yield await documentsFor(batch);
          batch = [];
        }
      }
      if (batch.length) yield await documentsFor(batch);
    },
    count: () => deps.capabilities.countDocuments({ status: 'published' }),
  };
}

export function capabilitySearchBinding(deps: CapabilitySourceDeps): SearchBinding {
  return { definition: capabilityCollection, source: capabilitySearchSource(deps) };
}
