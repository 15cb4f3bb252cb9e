import type { Client } from 'typesense';
import type { Actor } from '../core/actor';
import { ForbiddenError, NotFoundError } from '../core/errors';
import { isSearchUnavailable, type SearchIndexer } from '../../search';
import { buildIndustrySearch, toIndustrySearchResult, type IndustrySearchDocument, type IndustrySearchResult } from '../../search/industries';
import type { IndustryModel, IndustryRecord } from './taxonomy.model';
import { taxonomyFileSchema, type IndustryEdit } from './taxonomy.schemas';

export interface Industry {
  code: string;
  parent: string | null;
  level: 'domain' | 'leaf';
  zh: string;
  en: string;
  keywords: string[];
}

export interface IndustryDomain extends Industry {
  leaves: Industry[];
}

function toIndustry(record: IndustryRecord): Industry {
  return {
    code: record.code,
    parent: record.parent,
    level: record.level,
    zh: record.zh,
    en: record.en,
    keywords: [...record.keywords],
  };
}

export interface TaxonomyServiceDeps {
  industries: IndustryModel;
  search: Client;
  indexer: SearchIndexer;
}

export type IndustrySearchOutcome = { available: true; result: IndustrySearchResult } | { available: false };

const SEARCH_COLLECTION = 'industries';

export function createTaxonomyService({ industries, search, indexer }: TaxonomyServiceDeps) {
  return {
    /**
     * Adds codes missing from the store and leaves existing ones alone, so labels
     * and keywords edited by organisers survive a restart; codes never change.
     */
    async importCatalogue(raw: unknown): Promise<{ inserted: number }> {
      const catalogue = taxonomyFileSchema.parse(raw);
      const records: Omit<IndustryRecord, 'createdAt' | 'updatedAt'>[] = [];
      catalogue.domains.forEach((domain, domainIndex) => {
        records.push({ code: domain.code, parent: null, level: 'domain', zh: domain.zh, en: domain.en, keywords: [], sources: [], position: domainIndex });
        domain.children.forEach((leaf, leafIndex) => {
          records.push({ code: leaf.code, parent: domain.code, level: 'leaf', zh: leaf.zh, en: leaf.en, keywords: leaf.keywords, sources: leaf.sources, position: leafIndex });
        });
      });
      const result = await industries.bulkWrite(
        records.map((record) => ({
          updateOne: { filter: { code: record.code }, update: { $setOnInsert: record }, upsert: true },
        })),
        { ordered: false },
      );
      const insertedCodes = Object.keys(result.upsertedIds).map((index) => records[Number(index)]!.code);
      await indexer.changed(SEARCH_COLLECTION, insertedCodes);
      return { inserted: result.upsertedCount };
    },

    /** Organisers keep labels and keywords current; the code is the stable identity. */
    async updateIndustry(actor: Actor | null, code: string, edit: IndustryEdit): Promise<Industry> {
      if (!actor?.roles.some((role) => role === 'organiser' || role === 'platform-admin')) throw new ForbiddenError();
      const updated = await industries.findOneAndUpdate({ code }, { $set: edit }, { new: true, runValidators: true }).lean();
      if (!updated) throw new NotFoundError('没有这个产业分类 / No such industry', { code });
      await indexer.changed(SEARCH_COLLECTION, [code]);
      return toIndustry(updated);
    },

    async searchIndustries(text: string): Promise<IndustrySearchOutcome> {
      try {
        const response = await search.collections<IndustrySearchDocument>(SEARCH_COLLECTION).documents().search(buildIndustrySearch({ text }));
        return { available: true, result: toIndustrySearchResult(response) };
      } catch (error) {
        if (isSearchUnavailable(error)) return { available: false };
        throw error;
      }
    },

    async listDomains(): Promise<IndustryDomain[]> {
      const all = await industries.find().sort({ position: 1, code: 1 }).lean();
      const domains = all.filter((record) => record.level === 'domain').map((record) => ({ ...toIndustry(record), leaves: [] as Industry[] }));
      const byCode = new Map(domains.map((domain) => [domain.code, domain]));
      for (const record of all) {
        if (record.level === 'leaf' && record.parent) byCode.get(record.parent)?.leaves.push(toIndustry(record));
      }
      return domains;
    },

    async getDomain(code: string): Promise<IndustryDomain> {
      const domain = await industries.findOne({ code, level: 'domain' }).lean();
      if (!domain) throw new NotFoundError('没有这个产业领域 / No such industry domain', { code });
      const leaves = await industries.find({ parent: code }).sort({ position: 1 }).lean();
      return { ...toIndustry(domain), leaves: leaves.map(toIndustry) };
    },
  };
}

export type TaxonomyService = ReturnType<typeof createTaxonomyService>;
