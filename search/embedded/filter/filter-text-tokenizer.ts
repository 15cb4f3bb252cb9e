const WHITESPACE = /\s+/;
const PLAIN_TOKEN = /^[a-z0-9]+$/;
const NOT_WORD_CHAR = /[^\p{L}\p{N}]/gu;

/**
 * Splits text into the word tokens Typesense's default tokenizer produces: words are
 * separated by whitespace, lower-cased, stripped of diacritics, and symbols inside a word
 * are dropped rather than splitting it (so `4.5` becomes `45` and `T-shirt` `tshirt`).
 * String filters compare these tokens, which is why `:=` is case-insensitive.
 */
export function tokenizeText(text: string): string[] {
  const tokens: string[] = [];
  for (const word of text.split(WHITESPACE)) {
    if (word === '') continue;
    const lower = word.toLowerCase();
    const token = PLAIN_TOKEN.test(lower) ? lower : lower.normalize('NFKD').replace(NOT_WORD_CHAR, '').toLowerCase();
    if (token !== '') tokens.push(token);
  }
  return tokens;
}

/**
 * The canonical form `:=` compares: two strings match exactly when their keys are equal.
 * Exposed so an index can bucket stored values by the same key.
 */
export function exactMatchKey(text: string): string {
  return tokenizeText(text).join(' ');
}
