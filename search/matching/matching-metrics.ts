/** Ranking metrics of /work/shared/eval/FORMAT.md for one need. */
export interface NeedMetrics {
  ndcg10: number;
  p5: number;
  mrr: number;
  ineligible: number;
}

/** Grades: 3 excellent, 2 good, 1 partial; an unjudged capability is 0. */
export type Judgments = Record<string, number>;

const gain = (grade: number): number => 2 ** grade - 1;

function dcg(grades: number[]): number {
  return grades.slice(0, 10).reduce((sum, grade, i) => sum + gain(grade) / Math.log2(i + 2), 0);
}

export function scoreRanking(ranked: string[], judgments: Judgments, isIneligible: (capabilityId: string) => boolean): NeedMetrics {
  const grades = ranked.map((id) => judgments[id] ?? 0);
  const ideal = dcg(Object.values(judgments).sort((a, b) => b - a));
  const firstGood = grades.findIndex((grade) => grade >= 2);
  return {
    ndcg10: ideal > 0 ? dcg(grades) / ideal : 0,
    p5: grades.slice(0, 5).filter((grade) => grade >= 2).length / 5,
    mrr: firstGood >= 0 ? 1 / (firstGood + 1) : 0,
    ineligible: ranked.slice(0, 10).filter(isIneligible).length,
  };
}

export function averageMetrics(all: NeedMetrics[]): NeedMetrics {
  const mean = (pick: (metrics: NeedMetrics) => number): number => (all.length ? all.reduce((sum, metrics) => sum + pick(metrics), 0) / all.length : 0);
  return { ndcg10: mean((m) => m.ndcg10), p5: mean((m) => m.p5), mrr: mean((m) => m.mrr), ineligible: all.reduce((sum, m) => sum + m.ineligible, 0) };
}

export function formatMetrics(metrics: NeedMetrics): string {
  return `ndcg@10=${metrics.ndcg10.toFixed(3)} p@5=${metrics.p5.toFixed(3)} mrr=${metrics.mrr.toFixed(3)} ineligible=${metrics.ineligible}`;
}
