import type { Client } from 'typesense';
import type { SearchResponse, SearchResponseHit } from 'typesense/lib/Typesense/Documents';
import type { MultiSearchRequestSchema } from 'typesense/lib/Typesense/Types';
import type { MatchProbe } from './match.query';

export interface FusedCandidate<D> {
  document: D;
  /** Sum over the probes that found it of weight × rarity × field factor. */
  text: number;
  /** The labels of the probes that found it (a probe matches only with all its words present). */
  terms: Set<string>;
}

/** Rarer words say more: Typesense's `found` is the document frequency of a probe. */
function inverseFrequency(found: number, outOf: number): number {
  return Math.log(1 + (outOf - found + 0.5) / (found + 0.5));
}

interface HighlightEntry {
  matched_tokens?: unknown[];
}

/**
 * What Typesense's highlights say of a hit for one probe, from the `highlight`
 * object (probes ask for it alone, without the older `highlights` array that
 * repeats it; a string field has one entry, an array field one per element):
 * the best factor among the fields it marked words in, and whether a marked
 * word is one of the probe's tokens. Read without copying: a match reads some
 * fifteen hundred hits.
 */
function highlightedFind(hit: SearchResponseHit<object>, tokens: readonly string[], fieldFactors: Record<string, number>): { factor: number; confirmed: boolean } {
  let factor = 0;
  let confirmed = false;
  const highlight = (hit.highlight ?? {}) as Record<string, HighlightEntry | HighlightEntry[] | undefined>;
  for (const field in highlight) {
    const value = highlight[field];
    let marked = false;
    for (const entry of Array.isArray(value) ? value : [value]) {
      const matched = entry?.matched_tokens;
      if (!matched) continue;
      for (const token of matched.flat()) {
        marked = true;
        if (!confirmed && tokens.includes(String(token).toLowerCase())) confirmed = true;
      }
    }
    if (marked) factor = Math.max(factor, fieldFactors[field] ?? 0);
  }
  return { factor, confirmed };
}

/**
 * Fuses the rankings of a plan's probes (`responses[i]` answers `probes[i]`)
 * into one text score per document, whichever collection was searched. The
 * industry probe only brings candidates in; it adds no text score.
 */
export function fuseProbes<D extends { id: string }>(probes: MatchProbe[], responses: Array<SearchResponse<D>>, fieldFactors: Record<string, number>): Map<string, FusedCandidate<D>> {
  const candidates = new Map<string, FusedCandidate<D>>();
  responses.forEach((response, i) => {
    const probe = probes[i]!;
    const idf = probe.source === 'industry' ? 0 : inverseFrequency(response.found, response.out_of);
    for (const hit of response.hits ?? []) {
      let candidate = candidates.get(hit.document.id);
      if (!candidate) {
        candidate = { document: hit.document, text: 0, terms: new Set() };
        candidates.set(hit.document.id, candidate);
      }
      if (probe.source === 'industry') continue;
      // Typesense's highlights confirm where the probe's words were found; the best field decides how much the find counts.
      const { factor, confirmed } = highlightedFind(hit as SearchResponseHit<object>, probe.tokens, fieldFactors);
      candidate.text += probe.weight * idf * factor;
      if (probe.label && confirmed) candidate.terms.add(probe.label);
    }
  });
  return candidates;
}

/** Runs a plan's searches in one multi_search; a failed search fails the whole match. */
export async function runProbes<D extends { id: string }>(client: Client, searches: Array<MultiSearchRequestSchema<D, string>>): Promise<Array<SearchResponse<D>>> {
  if (searches.length === 0) return [];
  const { results } = await client.multiSearch.perform<D[]>({ searches });
  return results.map((result) => {
    const failed = result as unknown as { code?: number; error?: string };
    if (failed.error) throw new Error(`matching search failed (${failed.code}): ${failed.error}`);
    return result as SearchResponse<D>;
  });
}
