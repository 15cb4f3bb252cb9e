import type { Client } from 'typesense';
import type { Actor } from '../core/actor';
import { ForbiddenError, NotFoundError, ValidationError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { AuditService } from '../audit';
import { isSearchUnavailable, type SearchIndexer } from '../../search';
import {
  buildIndustryCountSearch,
  buildIndustrySearch,
  TAXONOMY_SYNONYM_PREFIX,
  toIndustryCounts,
  toIndustrySearchResult,
  toSynonymRules,
  type IndustrySearchDocument,
  type IndustrySearchResult,
} from '../../search/industries';
import type { SearchDocument } from '../../search';
import type { IndustryModel, IndustryRecord } from './taxonomy.model';
import { equivalentsFileSchema, taxonomyFileSchema, type IndustryEdit, type LeafInput } from './taxonomy.schemas';

export interface Industry {
  code: string;
  parent: string | null;
  level: 'domain' | 'leaf';
  zh: string;
  en: string;
  keywords: string[];
  equivalents: string[][];
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
    equivalents: (record.equivalents ?? []).map((group) => [...group]),
  };
}

/** Where a listing kind is counted per leaf: its collection, a field to name in `query_by`, and who may find it. */
export interface ListingCounter {
  collection: string;
  queryBy: string;
  /** The filter that keeps hidden listings out of the count (anonymous visitors' view). */
  publicFilter?: string;
}

export interface TaxonomyServiceDeps {
  industries: IndustryModel;
  search: Client;
  indexer: SearchIndexer;
  audit: AuditService;
  logger: Logger;
  /** Open needs and published capabilities, counted on the taxonomy pages. */
  counters: { needs: ListingCounter; capabilities: ListingCounter };
  /** Every search collection the taxonomy's synonyms apply to. */
  synonymCollections: () => string[];
}

export type IndustrySearchOutcome = { available: true; result: IndustrySearchResult } | { available: false };

export interface ListingCounts {
  available: boolean;
  needs: Map<string, number>;
  capabilities: Map<string, number>;
  totals: { needs: number; capabilities: number };
}

const SEARCH_COLLECTION = 'industries';

function isReviewer(actor: Actor | null): actor is Actor {
  return actor?.roles.some((role) => role === 'organiser' || role === 'platform-admin') ?? false;
}

function httpStatus(error: unknown): number | undefined {
  const status = (error as { httpStatus?: unknown }).httpStatus;
  return typeof status === 'number' ? status : undefined;
}

/** A leaf's keywords always include its equivalent terms, so they stay findable in the taxonomy search too. */
function withEquivalentTerms(keywords: string[], equivalents: string[][]): string[] {
  return [...new Set([...keywords, ...equivalents.flat()])];
}

export function createTaxonomyService({ industries, search, indexer, audit, logger, counters, synonymCollections }: TaxonomyServiceDeps) {
  const log = logger.child({ component: 'taxonomy' });

  async function countIn(counter: ListingCounter): Promise<{ total: number; byIndustry: Map<string, number> }> {
    try {
      const response = await search.collections<SearchDocument>(counter.collection).documents().search(buildIndustryCountSearch({ queryBy: counter.queryBy, filterBy: counter.publicFilter }));
      return toIndustryCounts(response);
    } catch (error) {
      // A collection not built yet has nothing to count.
      if (httpStatus(error) === 404) return { total: 0, byIndustry: new Map() };
      throw error;
    }
  }

  /**
   * Puts the taxonomy's synonym rules on each collection and removes its rules
   * that no longer exist; other rules are left alone. Per-collection rules,
   * because production runs Typesense 29 (synonym sets arrive with v30).
   */
  async function applySynonyms(collections: string[] = synonymCollections()): Promise<{ rules: number }> {
    const all = await industries.find({ level: 'leaf' }).lean();
    const rules = toSynonymRules(all.map((record) => ({ code: record.code, equivalents: record.equivalents ?? [] })));
    const wanted = new Set(rules.map((rule) => rule.id));
    for (const name of collections) {
      const existing = await search.collections(name).synonyms().retrieve();
      for (const rule of existing.synonyms) {
        if (rule.id.startsWith(TAXONOMY_SYNONYM_PREFIX) && !wanted.has(rule.id)) await search.collections(name).synonyms(rule.id).delete();
      }
      for (const rule of rules) await search.collections(name).synonyms().upsert(rule.id, { synonyms: rule.synonyms });
    }
    return { rules: rules.length };
  }

  /** After an edit: search catches up, and a search outage only delays the synonyms (start-up and the reconcile job redo them). */
  async function afterChange(codes: string[]): Promise<void> {
    await indexer.changed(SEARCH_COLLECTION, codes);
    try {
      await applySynonyms();
    } catch (error) {
      if (!isSearchUnavailable(error)) throw error;
      log.warn({ err: (error as Error).message }, 'search synonyms not updated; they are rebuilt when search is back');
    }
  }

  return {
    /**
     * Adds codes missing from the store and leaves existing ones alone, so labels
     * and keywords edited by organisers survive a restart; codes never change.
     * Curated equivalents are given to leaves that have none yet.
     */
    async importCatalogue(raw: unknown, rawEquivalents: unknown = { equivalents: {} }): Promise<{ inserted: number }> {
      const catalogue = taxonomyFileSchema.parse(raw);
      const curated = equivalentsFileSchema.parse(rawEquivalents).equivalents;
      const records: Omit<IndustryRecord, 'createdAt' | 'updatedAt'>[] = [];
      catalogue.domains.forEach((domain, domainIndex) => {
        records.push({ code: domain.code, parent: null, level: 'domain', zh: domain.zh, en: domain.en, keywords: [], equivalents: [], sources: [], position: domainIndex });
        domain.children.forEach((leaf, leafIndex) => {
          const equivalents = curated[leaf.code] ?? [];
          records.push({ code: leaf.code, parent: domain.code, level: 'leaf', zh: leaf.zh, en: leaf.en, keywords: withEquivalentTerms(leaf.keywords, equivalents), equivalents, sources: leaf.sources, position: leafIndex });
        });
      });
      const result = await industries.bulkWrite(
        records.map((record) => ({
          updateOne: { filter: { code: record.code }, update: { $setOnInsert: record }, upsert: true },
        })),
        { ordered: false },
      );
      const insertedCodes = Object.keys(result.upsertedIds).map((index) => records[Number(index)]!.code);
      const backfill = Object.entries(curated).map(([code, equivalents]) => ({
        updateOne: { filter: { code, level: 'leaf' as const, equivalents: { $exists: false } }, update: { $set: { equivalents }, $addToSet: { keywords: { $each: equivalents.flat() } } } },
      }));
      const backfilled = backfill.length ? await industries.bulkWrite(backfill, { ordered: false }) : null;
      if (backfilled?.modifiedCount) insertedCodes.push(...Object.keys(curated));
      await indexer.changed(SEARCH_COLLECTION, [...new Set(insertedCodes)]);
      return { inserted: result.upsertedCount };
    },

    /** Organisers keep labels, keywords and equivalents current; the code is the stable identity. Audited. */
    async updateIndustry(actor: Actor | null, code: string, edit: IndustryEdit, ip?: string): Promise<Industry> {
      if (!isReviewer(actor)) throw new ForbiddenError();
      const current = await industries.findOne({ code }).lean();
      if (!current) throw new NotFoundError('没有这个产业分类 / No such industry', { code });
      const change: IndustryEdit = { ...edit };
      if (current.level === 'domain') {
        delete change.keywords;
        delete change.equivalents;
      } else if (change.keywords || change.equivalents) {
        change.keywords = withEquivalentTerms(change.keywords ?? current.keywords, change.equivalents ?? current.equivalents ?? []);
      }
      const updated = await industries.findOneAndUpdate({ code }, { $set: change }, { returnDocument: 'after', runValidators: true }).lean();
      if (!updated) throw new NotFoundError('没有这个产业分类 / No such industry', { code });
      const before = Object.fromEntries(Object.keys(change).map((field) => [field, current[field as keyof IndustryRecord]]));
      await audit.record({ actor, action: 'industry.updated', target: { type: 'industry', id: code, label: updated.zh }, details: { before, after: change }, ip });
      await afterChange([code]);
      return toIndustry(updated);
    },

    /** A new leaf under a domain; its code is the domain's plus the slug, fixed from then on. Audited. */
    async addLeaf(actor: Actor | null, domainCode: string, input: LeafInput, ip?: string): Promise<Industry> {
      if (!isReviewer(actor)) throw new ForbiddenError();
      const domain = await industries.findOne({ code: domainCode, level: 'domain' }).lean();
      if (!domain) throw new NotFoundError('没有这个产业领域 / No such industry domain', { code: domainCode });
      const code = `${domain.code}.${input.slug}`;
      if (await industries.exists({ code })) throw new ValidationError({ slug: [`代码 ${code} 已存在 / The code ${code} exists already`] });
      const last = await industries.findOne({ parent: domain.code }).sort({ position: -1 }).lean();
      try {
        const created = await industries.create({
          code,
          parent: domain.code,
          level: 'leaf',
          zh: input.zh,
          en: input.en,
          keywords: withEquivalentTerms(input.keywords, input.equivalents),
          equivalents: input.equivalents,
          sources: [],
          position: (last?.position ?? -1) + 1,
        });
        const leaf = toIndustry(created.toObject());
        await audit.record({ actor, action: 'industry.added', target: { type: 'industry', id: code, label: leaf.zh }, details: { domain: domain.code, en: leaf.en, keywords: leaf.keywords, equivalents: leaf.equivalents }, ip });
        await afterChange([code]);
        return leaf;
      } catch (error) {
        if ((error as { code?: number }).code === 11000) throw new ValidationError({ slug: [`代码 ${code} 已存在 / The code ${code} exists already`] });
        throw error;
      }
    },

    applySynonyms,

    async searchIndustries(text: string): Promise<IndustrySearchOutcome> {
      try {
        const response = await search.collections<IndustrySearchDocument>(SEARCH_COLLECTION).documents().search(buildIndustrySearch({ text }));
        return { available: true, result: toIndustrySearchResult(response) };
      } catch (error) {
        if (isSearchUnavailable(error)) return { available: false };
        throw error;
      }
    },

    /**
     * Open needs anyone may find and published capabilities, per leaf and per
     * domain, straight from the search collections so they follow every
     * publication and withdrawal.
     */
    async listingCounts(): Promise<ListingCounts> {
      try {
        const [needs, capabilities] = await Promise.all([countIn(counters.needs), countIn(counters.capabilities)]);
        return { available: true, needs: needs.byIndustry, capabilities: capabilities.byIndustry, totals: { needs: needs.total, capabilities: capabilities.total } };
      } catch (error) {
        if (isSearchUnavailable(error)) return { available: false, needs: new Map(), capabilities: new Map(), totals: { needs: 0, capabilities: 0 } };
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

    async getIndustry(code: string): Promise<Industry> {
      const record = await industries.findOne({ code }).lean();
      if (!record) throw new NotFoundError('没有这个产业分类 / No such industry', { code });
      return toIndustry(record);
    },
  };
}

export type TaxonomyService = ReturnType<typeof createTaxonomyService>;
