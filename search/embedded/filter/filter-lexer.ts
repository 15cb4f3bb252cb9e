import { FilterError, PARSE_ERROR } from './filter-error';

export type FilterToken =
  | { type: '(' | ')' | '&&' | '||'; offset: number }
  | { type: 'clause'; text: string; offset: number };

const JOINS_UNSUPPORTED = 'Could not parse the filter query: filtering on joined collections is not supported.';
const OBJECT_FILTERS_UNSUPPORTED =
  'Could not parse the filter query: nested array object filters (`field.{...}`) are not supported.';
const UNBALANCED_BACKTICKS = 'Could not parse the filter query: unbalanced backticks.';

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/**
 * Splits a `filter_by` string into parentheses, `&&`/`||` and clause texts (`field:value`).
 * Like Typesense, a clause runs until an unquoted parenthesis or `&&`/`||`; backticks quote
 * those characters, and a geo value (`loc:(...)`, `loc:[(...), (...)]`) is read whole
 * because its parentheses belong to the value.
 */
export function lexFilter(expr: string): FilterToken[] {
  const tokens: FilterToken[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (isSpace(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ type: c, offset: i });
      i++;
    } else if (c === '&' || c === '|') {
      if (expr[i + 1] !== c) throw new FilterError(400, PARSE_ERROR);
      tokens.push({ type: c === '&' ? '&&' : '||', offset: i });
      i += 2;
    } else if (c === '$' || (c === '!' && expr[i + 1] === '$')) {
      throw new FilterError(400, JOINS_UNSUPPORTED);
    } else {
      const end = clauseEnd(expr, i);
      tokens.push({ type: 'clause', text: expr.slice(i, end).trim(), offset: i });
      i = end;
    }
  }
  return tokens;
}

function clauseEnd(expr: string, start: number): number {
  let inBacktick = false;
  let seenColon = false;
  let i = start;
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === '`') {
      inBacktick = !inBacktick;
    } else if (!inBacktick) {
      if (c === ':' && !seenColon) {
        seenColon = true;
        const geoEnd = geoValueEnd(expr, i + 1);
        if (geoEnd !== -1) {
          i = geoEnd;
          continue;
        }
      } else if (c === '{' && !seenColon && expr[i - 1] === '.') {
        throw new FilterError(400, OBJECT_FILTERS_UNSUPPORTED);
      } else if (c === '(' || c === ')') {
        break;
      } else if ((c === '&' && expr[i + 1] === '&') || (c === '|' && expr[i + 1] === '|')) {
        break;
      }
    }
    i++;
  }
  if (inBacktick) throw new FilterError(400, UNBALANCED_BACKTICKS);
  return i;
}

/** End offset (exclusive) of a geo value starting after the colon, or -1 if it is not one. */
function geoValueEnd(expr: string, from: number): number {
  let i = from;
  while (i < expr.length && isSpace(expr[i]!)) i++;
  if (expr[i] === '(') return closingOffset(expr, i, '(', ')');
  if (expr[i] !== '[') return -1;
  let j = i + 1;
  while (j < expr.length && isSpace(expr[j]!)) j++;
  if (expr[j] !== '(') return -1;
  return closingOffset(expr, i, '[', ']');
}

function closingOffset(expr: string, open: number, opener: string, closer: string): number {
  let depth = 0;
  for (let i = open; i < expr.length; i++) {
    if (expr[i] === opener) depth++;
    else if (expr[i] === closer && --depth === 0) return i + 1;
  }
  throw new FilterError(400, PARSE_ERROR);
}
