import { industryCollection, toIndustryDocument, type IndustrySearchDocument } from '../../search/industries';
import type { SearchBinding, SearchSource } from '../../search';
import type { IndustryModel } from './taxonomy.model';

export function industrySearchSource(industries: IndustryModel): SearchSource {
  return {
    async load(ids) {
      const records = await industries.find({ code: { $in: ids } }).lean();
      return records.map(toIndustryDocument);
    },
    async *scan(batchSize): AsyncIterable<IndustrySearchDocument[]> {
      let batch: IndustrySearchDocument[] = [];
      for await (const record of industries.find().sort({ code: 1 }).lean().cursor()) {
        batch.push(toIndustryDocument(record));
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    },
    count: () => industries.countDocuments(),
  };
}

export function industrySearchBinding(industries: IndustryModel): SearchBinding {
  return { definition: industryCollection, source: industrySearchSource(industries) };
}
