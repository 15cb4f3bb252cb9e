/**
 * `npm run eval:matching -- <dataset.json>`: loads an evaluation dataset
 * (/work/shared/eval/FORMAT.md) into a fresh built-in store and search engine,
 * matches every need and scores the rankings against the judgments, next to
 * two plain-text baselines. Never touches the platform's own data.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'typesense';
import { startEmbeddedMongo } from '../../server/core/embedded-mongo';
import { checkEligibility, type Eligibility } from '../../server/matching/eligibility';
import { capabilityCollection } from '../capabilities/capability.collection';
import { toCapabilityDocument, type CapabilitySearchDocument } from '../capabilities/capability.mapper';
import { buildCapabilitySearch } from '../capabilities/capability.query';
import { startEmbeddedTypesense } from '../embedded';
import { collectionSchema, physicalName } from '../search-collection';
import { eligibilityFilter, type MatchNeed } from './match.query';
import { findMatches } from './matcher';
import { loadMatchingDataset, parseMatchingDataset, type MatchingStore } from './matching-dataset';
import { averageMetrics, formatMetrics, scoreRanking, type NeedMetrics } from './matching-metrics';

export interface MatchingEvaluation {
  perNeed: Array<{ needId: string; metrics: NeedMetrics }>;
  baselineText: NeedMetrics;
  baselineEligible: NeedMetrics;
  matching: NeedMetrics;
  needs: number;
}

const TOP = 10;

async function indexCapabilities(client: Client, store: MatchingStore): Promise<void> {
  const schema = collectionSchema(capabilityCollection);
  await client.collections().create(schema);
  await client.aliases().upsert(capabilityCollection.name, { collection_name: physicalName(capabilityCollection) });
  const documents = (await store.capabilityInputs()).map(toCapabilityDocument);
  if (documents.length === 0) return;
  const results = await client.collections<CapabilitySearchDocument>(capabilityCollection.name).documents().import(documents, { action: 'create' });
  const failed = results.filter((result) => !result.success);
  if (failed.length) throw new Error(`indexing failed for ${failed.length} capabilities: ${failed[0]!.error}`);
}

/**
 * One Typesense query of the need's title and description, as a search box
 * would send it; tokens are dropped until the page is full, otherwise Typesense
 * stops at the first few documents that match the longest run of words.
 */
async function baselineRanking(client: Client, need: MatchNeed, filterBy: string | undefined): Promise<string[]> {
  const response = await client
    .collections<CapabilitySearchDocument>(capabilityCollection.name)
    .documents()
    .search({ ...buildCapabilitySearch({ text: `${need.title} ${need.description}`, perPage: TOP, ...(filterBy ? { filterBy } : {}) }), facet_by: undefined, drop_tokens_threshold: TOP });
  return (response.hits ?? []).map((hit) => hit.document.id);
}

export async function runMatchingEvaluation(datasetPath: string, write: (line: string) => void): Promise<MatchingEvaluation> {
  const dataset = parseMatchingDataset(JSON.parse(await fs.readFile(datasetPath, 'utf8')));
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rongtong-eval-'));
  const mongo = await startEmbeddedMongo({ dir });
  const engine = await startEmbeddedTypesense({ apiKey: randomBytes(24).toString('hex') });
  let store: MatchingStore | undefined;
  try {
    store = await loadMatchingDataset(mongo.uri, dataset);
    const client = new Client({ nodes: [{ protocol: 'http', host: engine.host, port: engine.port }], apiKey: engine.apiKey, connectionTimeoutSeconds: 30, logLevel: 'silent' });
    await indexCapabilities(client, store);

    const facts = store;
    const recheck = async (need: MatchNeed, capabilityId: string): Promise<Eligibility> => {
      const found = await facts.eligibilityFacts(capabilityId);
      if (!found) return { eligible: false, unmet: [] };
      return checkEligibility(need.requirements, found.qualifications, found.trl, dataset.asOf);
    };
    // Scored independently of the matcher, from the dataset as loaded.
    const ineligibility = new Map<string, boolean>();
    const isIneligible = async (need: MatchNeed, ids: string[]): Promise<Set<string>> => {
      const out = new Set<string>();
      for (const id of ids) {
        const key = `${need.id}\u0000${id}`;
        if (!ineligibility.has(key)) ineligibility.set(key, !(await recheck(need, id)).eligible);
        if (ineligibility.get(key)) out.add(id);
      }
      return out;
    };

    const perNeed: MatchingEvaluation['perNeed'] = [];
    const textRuns: NeedMetrics[] = [];
    const eligibleRuns: NeedMetrics[] = [];
    const byId = new Map((await store.needs()).map((need) => [need.id, need]));
    for (const { id } of dataset.needs) {
      const need = byId.get(id)!;
      const judgments = dataset.judgments[need.id] ?? {};
      const outcome = await findMatches(client, need, { asOf: dataset.asOf, limit: TOP, recheck: (capabilityId) => recheck(need, capabilityId) });
      const ranking = outcome.matches.map((match) => match.capabilityId);
      const bad = await isIneligible(need, ranking);
      const metrics = scoreRanking(ranking, judgments, (capabilityId) => bad.has(capabilityId));
      perNeed.push({ needId: need.id, metrics });
      write(`${need.id} ${formatMetrics(metrics)}`);

      const hard = eligibilityFilter(need.requirements, dataset.asOf);
      const textRanking = await baselineRanking(client, need, undefined);
      const eligibleRanking = hard.satisfiable ? await baselineRanking(client, need, hard.filter) : [];
      const badText = await isIneligible(need, textRanking);
      const badEligible = await isIneligible(need, eligibleRanking);
      textRuns.push(scoreRanking(textRanking, judgments, (capabilityId) => badText.has(capabilityId)));
      eligibleRuns.push(scoreRanking(eligibleRanking, judgments, (capabilityId) => badEligible.has(capabilityId)));
    }
    const evaluation: MatchingEvaluation = {
      perNeed,
      baselineText: averageMetrics(textRuns),
      baselineEligible: averageMetrics(eligibleRuns),
      matching: averageMetrics(perNeed.map((entry) => entry.metrics)),
      needs: perNeed.length,
    };
    write(`baseline-text: ${formatMetrics(evaluation.baselineText)} needs=${evaluation.needs}`);
    write(`baseline-eligible: ${formatMetrics(evaluation.baselineEligible)} needs=${evaluation.needs}`);
    write(`matching: ${formatMetrics(evaluation.matching)} needs=${evaluation.needs}`);
    return evaluation;
  } finally {
    await store?.close();
    await engine.close();
    await mongo.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const datasetPath = process.argv[2];
  if (!datasetPath) {
    process.stderr.write('usage: npm run eval:matching -- <dataset.json>\n');
    process.exit(2);
  }
  runMatchingEvaluation(datasetPath, (line) => process.stdout.write(`${line}\n`)).catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message ?? String(error)}\n`);
    process.exit(1);
  });
}
