import { needCollection, toNeedDocument, type NeedSearchDocument } from '../../search/needs';
import type { SearchBinding, SearchSource } from '../../search';
import type { OrganisationService } from '../organisations';
import type { NeedModel, NeedRecord } from './needs.model';

function toDocument(record: NeedRecord): NeedSearchDocument {
  return toNeedDocument({
    id: record._id.toHexString(),
    title: record.title,
    summary: record.summary,
    description: record.description,
    industries: record.industries,
    kind: record.kind,
    visibility: record.visibility,
    invitedCreditCodes: record.invitedCreditCodes,
    organisation: { id: record.organisationId, ...record.organisation },
    qualificationTypes: record.requirements.qualifications.map((requirement) => requirement.type),
    minTrl: record.requirements.minTrl,
    responseDeadline: record.responseDeadline,
    publishedAt: record.publishedAt ?? record.updatedAt,
    updatedAt: record.updatedAt,
  });
}

/**
 * Only published needs of verified organisations are searchable: anything
 * else is absent, so the indexer deletes it. `organisations` is a getter
 * because the indexer is built before the features it reads through.
 */
export function needSearchSource(needs: NeedModel, organisations: () => OrganisationService): SearchSource {
  async function documentsFor(records: NeedRecord[]): Promise<NeedSearchDocument[]> {
    const publishers = await organisations().findMany([...new Set(records.map((record) => record.organisationId))]);
    return records.filter((record) => publishers.get(record.organisationId)?.status === 'verified').map(toDocument);
  }
  return {
    async load(ids) {
      const valid = ids.filter((id) => /^[a-f0-9]{24}$/.test(id));
      return documentsFor(await needs.find({ _id: { $in: valid }, status: 'published' }).lean<NeedRecord[]>());
    },
    async *scan(batchSize): AsyncIterable<NeedSearchDocument[]> {
      let batch: NeedRecord[] = [];
      for await (const record of needs.find({ status: 'published' }).sort({ _id: 1 }).lean<NeedRecord>().cursor()) {
        batch.push(record as NeedRecord);
        if (batch.length >= batchSize) {
          yield await documentsFor(batch);
          batch = [];
        }
      }
      if (batch.length) yield await documentsFor(batch);
    },
    count: () => needs.countDocuments({ status: 'published' }),
  };
}

export function needSearchBinding(needs: NeedModel, organisations: () => OrganisationService): SearchBinding {
  return { definition: needCollection, source: needSearchSource(needs, organisations) };
}
