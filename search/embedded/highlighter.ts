/**
 * Marks matched tokens in field values and cuts snippets around the first
 * match, producing both Typesense highlight shapes (nested `highlight` and the
 * legacy `highlights` array).
 */
import type { Token } from './text-analyzer';

/** How a stored term matched: whole-token, or only its first `prefixLength` characters. */
export interface TermMatch {
  prefixLength?: number;
}

export interface HighlightOptions {
  startTag: string;
  endTag: string;
  snippetThreshold: number;
  affixTokens: number;
  full: boolean;
}

export interface FieldHighlight {
  snippet: string;
  matched_tokens: string[];
  value?: string;
}

export interface Mark {
  start: number;
  end: number;
}

/** `textAt(i)`: the index term of token i, or undefined when it cannot be one the query matched. */
function findMarks(value: string, tokens: TokenBounds, textAt: (index: number) => string | undefined, match: (term: string) => TermMatch | undefined): Array<Mark & { index: number }> {
  const marks: Array<Mark & { index: number }> = [];
  for (let index = 0; index < tokens.count; index += 1) {
    const text = textAt(index);
    const found = text === undefined ? undefined : match(text);
    if (!found) continue;
    const start = tokens.start(index);
    let end = tokens.end(index);
    // Prefix matches mark only the typed part when the source token is plain enough to map character offsets.
    if (found.prefixLength !== undefined && end - start === text!.length && value.slice(start, end).toLowerCase() === text) {
      end = start + Math.min(found.prefixLength, text!.length);
    }
    marks.push({ start, end, index });
  }
  return marks;
}

function render(value: string, from: number, to: number, marks: Mark[], options: HighlightOptions): string {
  let out = '';
  let cursor = from;
  for (const mark of marks) {
    if (mark.start < from || mark.end > to) continue;
    out += value.slice(cursor, mark.start) + options.startTag + value.slice(mark.start, mark.end) + options.endTag;
    cursor = mark.end;
  }
  return out + value.slice(cursor, to);
}

export function highlightValue(value: string, tokens: Token[], match: (term: string) => TermMatch | undefined, options: HighlightOptions): FieldHighlight | undefined {
  const bounds: TokenBounds = { count: tokens.length, start: (i) => tokens[i]!.start, end: (i) => tokens[i]!.end };
  return highlightTokens(value, bounds, (i) => tokens[i]!.text, match, options);
}

/** The highlight of a value whose tokens are known by position, their index terms read on demand (see `findMarks`). */
export function highlightTokens(value: string, tokens: TokenBounds, textAt: (index: number) => string | undefined, match: (term: string) => TermMatch | undefined, options: HighlightOptions): FieldHighlight | undefined {
  return highlightMarks(value, findMarks(value, tokens, textAt, match), tokens, options);
}

/** Where a value's tokens are, by position: enough to cut a snippet. */
export interface TokenBounds {
  count: number;
  start(index: number): number;
  end(index: number): number;
}

/** The highlight of a value whose matched tokens are known (`marks` in text order, `index` the token's position). */
export function highlightMarks(value: string, marks: Array<Mark & { index: number }>, tokens: TokenBounds, options: HighlightOptions): FieldHighlight | undefined {
  if (marks.length === 0) return undefined;
  const matched = marks.map((mark) => value.slice(mark.start, mark.end));
  let snippet: string;
  if (tokens.count <= options.snippetThreshold) {
    snippet = render(value, 0, value.length, marks, options);
  } else {
    const first = marks[0]!.index;
    const startToken = Math.max(0, first - options.affixTokens);
    const endToken = Math.min(tokens.count - 1, first + options.affixTokens);
    snippet = render(value, tokens.start(startToken), tokens.end(endToken), marks, options);
  }
  const result: FieldHighlight = { matched_tokens: matched, snippet };
  if (options.full) result.value = render(value, 0, value.length, marks, options);
  return result;
}
