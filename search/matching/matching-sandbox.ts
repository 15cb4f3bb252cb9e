import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'typesense';
import { startEmbeddedMongo } from '../../server/core/embedded-mongo';
import { checkEligibility, type Eligibility } from '../../server/matching/eligibility';
import { capabilityCollection } from '../capabilities/capability.collection';
import { toCapabilityDocument, type CapabilitySearchDocument } from '../capabilities/capability.mapper';
import { buildCapabilitySearch } from '../capabilities/capability.query';
import { startEmbeddedTypesense } from '../embedded';
import { collectionSchema, physicalName } from '../search-collection';
import { keptAliveAgents } from '../search-client';
import type { MatchNeed } from './match.query';
import { loadMatchingDataset, type MatchingDataset, type MatchingStore } from './matching-dataset';

/** Documents per import request, as the search indexer sends them. */
const IMPORT_BATCH = 1000;

/**
 * A matching dataset in a fresh built-in store and search engine of its own,
 * for the evaluation and the benchmark. Never touches the platform's data.
 */
export interface MatchingSandbox {
  client: Client;
  store: MatchingStore;
  /** Eligibility of capabilities for a need, read from the store in one go (as the app's re-check reads MongoDB). */
  recheck(need: MatchNeed, capabilityIds: string[]): Promise<Eligibility[]>;
  /**
   * One Typesense query of the need's title and description over the listing's
   * own words, as a search box would send it: no taxonomy, no eligibility
   * unless `filterBy` is given.
   */
  textBaseline(need: MatchNeed, top: number, filterBy?: string): Promise<string[]>;
  /** How long loading the store and indexing the capabilities took. */
  timings: { storeMs: number; indexMs: number };
  close(): Promise<void>;
}

async function indexCapabilities(client: Client, store: MatchingStore): Promise<void> {
  await client.collections().create(collectionSchema(capabilityCollection));
  await client.aliases().upsert(capabilityCollection.name, { collection_name: physicalName(capabilityCollection) });
  const documents = (await store.capabilityInputs()).map(toCapabilityDocument);
  for (let from = 0; from < documents.length; from += IMPORT_BATCH) {
    const batch = documents.slice(from, from + IMPORT_BATCH);
    const results = await client.collections<CapabilitySearchDocument>(capabilityCollection.name).documents().import(batch, { action: 'create' });
    const failed = results.filter((result) => !result.success);
    if (failed.length) throw new Error(`indexing failed for ${failed.length} capabilities: ${failed[0]!.error}`);
  }
}

export async function openMatchingSandbox(dataset: MatchingDataset): Promise<MatchingSandbox> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rongtong-matching-'));
  const mongo = await startEmbeddedMongo({ dir });
  const engine = await startEmbeddedTypesense({ apiKey: randomBytes(24).toString('hex') });
  let store: MatchingStore | undefined;
  const agents = keptAliveAgents();
  const close = async (): Promise<void> => {
    agents.destroy();
    await store?.close();
    await engine.close();
    await mongo.close();
    await fs.rm(dir, { recursive: true, force: true });
  };
  try {
    const storeStarted = performance.now();
    store = await loadMatchingDataset(mongo.uri, dataset);
    const storeMs = performance.now() - storeStarted;
    // Kept-alive connections, as the app's client has (search-client.ts).
    const client = new Client({ nodes: [{ protocol: 'http', host: engine.host, port: engine.port }], apiKey: engine.apiKey, connectionTimeoutSeconds: 120, logLevel: 'silent', httpAgent: agents.httpAgent });
    const indexStarted = performance.now();
    await indexCapabilities(client, store);
    const indexMs = performance.now() - indexStarted;

    const facts = store;
    return {
      client,
      store,
      async recheck(need, capabilityIds) {
        const found = await facts.eligibilityFacts(capabilityIds);
        return capabilityIds.map((id) => {
          const one = found.get(id);
          return one ? checkEligibility(need.requirements, one.qualifications, one.trl, dataset.asOf) : { eligible: false, unmet: [] };
        });
      },
      async textBaseline(need, top, filterBy) {
        // Tokens are dropped until the page is full, otherwise Typesense stops at the few documents that match the longest run of words.
        const response = await client
          .collections<CapabilitySearchDocument>(capabilityCollection.name)
          .documents()
          .search({ ...buildCapabilitySearch({ text: `${need.title} ${need.description}`, perPage: top, ...(filterBy ? { filterBy } : {}) }), facet_by: undefined, drop_tokens_threshold: top });
        return (response.hits ?? []).map((hit) => hit.document.id);
      },
      timings: { storeMs, indexMs },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
