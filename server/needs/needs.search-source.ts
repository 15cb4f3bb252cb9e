import { needCollection, toNeedDocument, type NeedSearchDocument } from '../../search/needs';
import type { SearchBinding, SearchSource } from '../../search';
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

/** Only published needs are searchable: a withdrawn or closed one is absent, so the indexer deletes it. */
export function needSearchSource(needs: NeedModel): SearchSource {
  return {
    async load(ids) {
      const valid = ids.filter((id) => /^[a-f0-9]{24}$/.test(id));
      return (await needs.find({ _id: { $in: valid }, status: 'published' }).lean<NeedRecord[]>()).map(toDocument);
    },
    async *scan(batchSize): AsyncIterable<NeedSearchDocument[]> {
      let batch: NeedSearchDocument[] = [];
      for await (const record of needs.find({ status: 'published' }).sort({ _id: 1 }).lean<NeedRecord>().cursor()) {
        batch.push(toDocument(record as NeedRecord));
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    },
    count: () => needs.countDocuments({ status: 'published' }),
  };
}

export function needSearchBinding(needs: NeedModel): SearchBinding {
  return { definition: needCollection, source: needSearchSource(needs) };
}
