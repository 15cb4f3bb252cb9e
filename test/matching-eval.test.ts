import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { runMatchingEvaluation, type MatchingEvaluation } from '../search/matching/evaluate-matching.cli';
import { makeTempDir } from './support/platform';

const fixture = path.join(__dirname, 'fixtures', 'matching-small.json');
const METRICS = String.raw`ndcg@10=\d\.\d{3} p@5=\d\.\d{3} mrr=\d\.\d{3} ineligible=\d+`;

describe('matching evaluation command', () => {
  let lines: string[];
  let evaluation: MatchingEvaluation;

  before(async () => {
    lines = [];
    evaluation = await runMatchingEvaluation(fixture, (line) => lines.push(line));
  });

  it('prints one line per need in dataset order, the baselines, and the summary last', () => {
    assert.equal(lines.length, 4 + 3);
    const needIds = ['need-water', 'need-battery', 'need-winch', 'need-perimeter'];
    lines.slice(0, 4).forEach((line, i) => assert.match(line, new RegExp(`^${needIds[i]} ${METRICS}$`)));
    assert.match(lines[4]!, new RegExp(`^baseline-text: ${METRICS} needs=4$`));
    assert.match(lines[5]!, new RegExp(`^baseline-eligible: ${METRICS} needs=4$`));
    assert.match(lines.at(-1)!, new RegExp(`^matching: ${METRICS} needs=4$`));
  });

  it('never ranks an ineligible capability, unlike the plain text baseline', () => {
    assert.match(lines.at(-1)!, / ineligible=0 /);
    assert.ok(lines.slice(0, 4).every((line) => / ineligible=0$/.test(line)));
    assert.match(lines[5]!, / ineligible=0 /);
    // The fixture holds relevant listings of organisations with a lapsed, unverified or missing qualification.
    assert.ok(evaluation.baselineText.ineligible > 0);
  });

  it('prints averages of the per-need figures', () => {
    const mean = evaluation.perNeed.reduce((sum, entry) => sum + entry.metrics.ndcg10, 0) / evaluation.perNeed.length;
    assert.equal(lines.at(-1)!.match(/ndcg@10=(\S+)/)![1], mean.toFixed(3));
    assert.ok(evaluation.matching.ndcg10 >= evaluation.baselineEligible.ndcg10);
  });

  it('refuses an invalid dataset naming the problem', async () => {
    const dir = await makeTempDir('eval');
    try {
      const broken = path.join(dir, 'broken.json');
      const dataset = JSON.parse(await fs.readFile(fixture, 'utf8')) as { capabilities: Array<{ organisation: string }> };
      dataset.capabilities[0]!.organisation = 'org-nowhere';
      await fs.writeFile(broken, JSON.stringify(dataset));
      await assert.rejects(runMatchingEvaluation(broken, () => undefined), /capabilities\.0\.organisation: unknown organisation org-nowhere/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
