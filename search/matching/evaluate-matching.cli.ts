/**
 * `npm run eval:matching -- <dataset.json>`: loads an evaluation dataset
 * (/work/shared/eval/FORMAT.md) into a fresh built-in store and search engine,
 * matches every need and scores the rankings against the judgments, next to
 * two plain-text baselines. Never touches the platform's own data.
 */
import fs from 'node:fs/promises';
import { eligibilityFilter, type MatchNeed } from './match.query';
import { findMatches } from './matcher';
import { parseMatchingDataset } from './matching-dataset';
import { averageMetrics, formatMetrics, scoreRanking, type NeedMetrics } from './matching-metrics';
import { openMatchingSandbox } from './matching-sandbox';

export interface MatchingEvaluation {
  perNeed: Array<{ needId: string; metrics: NeedMetrics }>;
  baselineText: NeedMetrics;
  baselineEligible: NeedMetrics;
  matching: NeedMetrics;
  needs: number;
}

const TOP = 10;

export async function runMatchingEvaluation(datasetPath: string, write: (line: string) => void): Promise<MatchingEvaluation> {
  const dataset = parseMatchingDataset(JSON.parse(await fs.readFile(datasetPath, 'utf8')));
  const sandbox = await openMatchingSandbox(dataset);
  try {
    const { client, store, recheck } = sandbox;
    // Scored independently of the matcher, from the dataset as loaded.
    const ineligibility = new Map<string, boolean>();
    const isIneligible = async (need: MatchNeed, ids: string[]): Promise<Set<string>> => {
      const key = (id: string): string => `${need.id}\u0000${id}`;
      const unknown = ids.filter((id) => !ineligibility.has(key(id)));
      (await recheck(need, unknown)).forEach((verdict, i) => ineligibility.set(key(unknown[i]!), !verdict.eligible));
      return new Set(ids.filter((id) => ineligibility.get(key(id))));
    };

    const perNeed: MatchingEvaluation['perNeed'] = [];
    const textRuns: NeedMetrics[] = [];
    const eligibleRuns: NeedMetrics[] = [];
    const byId = new Map((await store.needs()).map((need) => [need.id, need]));
    for (const { id } of dataset.needs) {
      const need = byId.get(id)!;
      const judgments = dataset.judgments[need.id] ?? {};
      const outcome = await findMatches(client, need, { asOf: dataset.asOf, limit: TOP, recheck: (capabilityIds) => recheck(need, capabilityIds) });
      const ranking = outcome.matches.map((match) => match.capabilityId);
      const bad = await isIneligible(need, ranking);
      const metrics = scoreRanking(ranking, judgments, (capabilityId) => bad.has(capabilityId));
      perNeed.push({ needId: need.id, metrics });
      write(`${need.id} ${formatMetrics(metrics)}`);

      const hard = eligibilityFilter(need.requirements, dataset.asOf);
      const textRanking = await sandbox.textBaseline(need, TOP);
      const eligibleRanking = hard.satisfiable ? await sandbox.textBaseline(need, TOP, hard.filter) : [];
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
    await sandbox.close();
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
