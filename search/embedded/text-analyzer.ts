/**
 * Turns field values and queries into index terms the way Typesense does for
 * the locales Rongtong uses: the default locale splits on whitespace and drops
 * special characters inside a token ("e-mail" → "email"); `zh` segments into
 * words. Offsets into the original string are kept so the highlighter can mark
 * the source text without re-tokenising it.
 */

export interface Token {
  /** Normalised term as stored in the index. */
  text: string;
  start: number;
  end: number;
}

export interface AnalyzerOptions {
  symbolsToIndex?: readonly string[];
  tokenSeparators?: readonly string[];
}

const segmenters = new Map<string, Intl.Segmenter>();

function segmenterFor(locale: string): Intl.Segmenter {
  let segmenter = segmenters.get(locale);
  if (!segmenter) {
    segmenter = new Intl.Segmenter(locale, { granularity: 'word' });
    segmenters.set(locale, segmenter);
  }
  return segmenter;
}

const COMBINING_MARKS = /[\u0300-\u036f]/g;
const ASCII_WORD = /^[a-z0-9]+$/;
/** CJK Unified Ideographs have no case and no (compatibility) decompositions, so they are already normal. */
const CJK_WORD = /^[\u4e00-\u9fff]+$/;
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

/** Case-folds and strips accents; Typesense matches "Café" with "cafe". */
export function normalizeTerm(term: string): string {
  if (CJK_WORD.test(term)) return term;
  const lower = term.toLowerCase();
  if (ASCII_WORD.test(lower)) return lower;
  return lower.normalize('NFKD').replace(COMBINING_MARKS, '').normalize('NFC');
}

/**
 * A form of a text that holds, as a substring, the `foldedTerm` of every term
 * the segmenting analyzer finds in it — so a value whose fold holds none of a
 * query's folded terms cannot match it, and need not be segmented to find
 * out. Segments are runs of the text, and case folding, compatibility
 * decomposition and mark removal map each character on its own; the one
 * context-dependent lower-casing (Greek capital sigma) gives no fold. Only for
 * segmenting locales: the whitespace analyzer drops symbols inside a token.
 */
export function foldedText(text: string): string | undefined {
  if (text.includes('Σ')) return undefined;
  const folded = text.toLowerCase().normalize('NFKD').replace(COMBINING_MARKS, '');
  return folded === text ? text : folded;
}

/** The form of an index term that `foldedText` of any text it was found in holds. */
export function foldedTerm(term: string): string {
  return term.normalize('NFKD').replace(COMBINING_MARKS, '');
}

/** Locales whose text is not space-delimited and needs a word segmenter. */
export function needsSegmentation(locale: string | undefined): boolean {
  return locale === 'zh' || locale === 'ja' || locale === 'th' || locale === 'ko';
}

export function analyzeText(text: string, locale?: string, options: AnalyzerOptions = {}): Token[] {
  if (needsSegmentation(locale)) return segmentWords(text, locale!);
  return splitOnSpaces(text, options);
}

function segmentWords(text: string, locale: string): Token[] {
  const tokens: Token[] = [];
  for (const segment of segmenterFor(locale).segment(text)) {
    if (!segment.isWordLike) continue;
    const term = normalizeTerm(segment.segment);
    if (term) tokens.push({ text: term, start: segment.index, end: segment.index + segment.segment.length });
  }
  return tokens;
}

function splitOnSpaces(text: string, options: AnalyzerOptions): Token[] {
  const separators = options.tokenSeparators ?? [];
  const symbols = options.symbolsToIndex ?? [];
  const tokens: Token[] = [];
  let start = -1;
  let raw = '';
  const flush = (end: number): void => {
    if (start >= 0) {
      const term = normalizeTerm(raw);
      if (term) tokens.push({ text: term, start, end });
    }
    start = -1;
    raw = '';
  };
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r' || separators.includes(ch)) {
      flush(i);
      continue;
    }
    if (start < 0) start = i;
    if (WORD_CHAR.test(ch) || symbols.includes(ch)) raw += ch;
  }
  flush(text.length);
  return tokens;
}
