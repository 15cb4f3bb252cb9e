import { organisationCollection, toOrganisationDocument, type OrganisationSearchDocument } from '../../search/organisations';
import type { SearchBinding, SearchSource } from '../../search';
import type { RegionsService } from '../regions';
import type { OrganisationModel, OrganisationRecord } from './organisations.model';

/** What the organisations collection reads from other features, per organisation id. */
export interface OrganisationIndexReaders {
  qualifications: { forOrganisations(ids: string[]): Promise<Map<string, Array<{ type: string; level: string | null; validUntil: string; verified: boolean }>>> };
  capabilities: { publishedCounts(ids: string[]): Promise<Map<string, number>> };
}

/**
 * Verified organisations only: a pending or rejected one is absent, so the
 * indexer removes it. `readers` is a getter because the indexer is built
 * before the features it reads through.
 */
export function organisationSearchSource(deps: { organisations: OrganisationModel; regions: RegionsService; readers: () => OrganisationIndexReaders }): SearchSource {
  const provinceNames = new Map(deps.regions.provinces().map((province) => [province.code, province.zh]));

  async function documentsFor(records: OrganisationRecord[]): Promise<OrganisationSearchDocument[]> {
    const ids = records.map((record) => record._id.toHexString());
    const readers = deps.readers();
    const [held, counts] = await Promise.all([readers.qualifications.forOrganisations(ids), readers.capabilities.publishedCounts(ids)]);
    return records.map((record) => {
      const id = record._id.toHexString();
      return toOrganisationDocument({
        organisation: {
          id,
          name: record.name,
          kind: record.kind,
          province: provinceNames.get(record.province) ?? record.province,
          city: record.city,
          industries: record.industries,
          introduction: record.introduction,
          verifiedAt: record.verification?.decidedAt ?? record.updatedAt,
          updatedAt: record.updatedAt,
        },
        qualifications: held.get(id) ?? [],
        publishedCapabilities: counts.get(id) ?? 0,
      });
    });
  }

  return {
    async load(ids) {
      const valid = ids.filter((id) => /^[a-f0-9]{24}$/.test(id));
      return documentsFor(await deps.organisations.find({ _id: { $in: valid }, status: 'verified' }).lean<OrganisationRecord[]>());
    },
    async *scan(batchSize) {
      let batch: OrganisationRecord[] = [];
      for await (const record of deps.organisations.find({ status: 'verified' }).sort({ _id: 1 }).lean<OrganisationRecord[]>().cursor()) {
        batch.push(record as OrganisationRecord);
        if (batch.length >= batchSize) {
          yield await documentsFor(batch);
          batch = [];
        }
      }
      if (batch.length) yield await documentsFor(batch);
    },
    count: () => deps.organisations.countDocuments({ status: 'verified' }),
  };
}

export function organisationSearchBinding(deps: Parameters<typeof organisationSearchSource>[0]): SearchBinding {
  return { definition: organisationCollection, source: organisationSearchSource(deps) };
}
