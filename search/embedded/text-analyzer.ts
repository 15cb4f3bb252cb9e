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
