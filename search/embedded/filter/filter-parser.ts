import { parseClause } from './filter-clause-parser';
import { FilterError, PARSE_ERROR, UNBALANCED_PARENTHESES, unbalancedOperands } from './filter-error';
import { lexFilter, type FilterToken } from './filter-lexer';
import type { FilterNode, FilterSchema } from './filter.types';

/**
 * Parses a `filter_by` (or `_eval(...)`) expression into a validated tree. An empty
 * expression means "no filter", as in Typesense.
 *
 * `&&` and `||` have equal precedence and fold left to right, as the Typesense server
 * evaluates them (typesense/typesense#2882; the filtering guide was corrected to match), so
 * `a || b && c` means `(a || b) && c`. Parentheses group as usual.
 */
export function parseFilterBy(expr: string, schema: FilterSchema): FilterNode {
  const tokens = lexFilter(expr);
  if (tokens.length === 0) return { kind: 'match-all' };
  // Typesense checks nesting before it looks at any clause, so report that first too.
  let depth = 0;
  for (const token of tokens) {
    if (token.type === '(') depth++;
    else if (token.type === ')' && --depth < 0) break;
  }
  if (depth !== 0) throw new FilterError(400, UNBALANCED_PARENTHESES);
  const parser = new Parser(tokens, schema);
  const node = parser.parseExpression();
  parser.expectEnd();
  return node;
}

class Parser {
  private position = 0;

  constructor(
    private readonly tokens: FilterToken[],
    private readonly schema: FilterSchema,
  ) {}

  parseExpression(): FilterNode {
    let node = this.parseOperand(null, () => this.parsePrimary());
    for (let next = this.peek(); next?.type === '&&' || next?.type === '||'; next = this.peek()) {
      const operator = next.type;
      this.position++;
      const right = this.parseOperand(operator, () => this.parsePrimary());
      node = { kind: operator === '&&' ? 'and' : 'or', left: node, right };
    }
    return node;
  }

  expectEnd(): void {
    const next = this.peek();
    if (next === undefined) return;
    throw new FilterError(400, next.type === ')' ? UNBALANCED_PARENTHESES : PARSE_ERROR);
  }

  /** Runs `parse` where an operand must start, reporting a dangling operator the way Typesense does. */
  private parseOperand(after: '&&' | '||' | null, parse: () => FilterNode): FilterNode {
    const next = this.peek();
    if (next === undefined) {
      // Only reachable right after an operator or an opening parenthesis.
      throw new FilterError(400, after !== null ? unbalancedOperands(after) : UNBALANCED_PARENTHESES);
    }
    if (next.type === '&&' || next.type === '||' || next.type === ')') {
      if (after !== null) throw new FilterError(400, unbalancedOperands(after));
      if (next.type !== ')') throw new FilterError(400, unbalancedOperands(next.type));
      throw new FilterError(400, this.position === 0 ? UNBALANCED_PARENTHESES : PARSE_ERROR);
    }
    return parse();
  }

  private parsePrimary(): FilterNode {
    const token = this.tokens[this.position++]!;
    if (token.type === 'clause') return parseClause(token.text, this.schema);
    if (token.type !== '(') throw new FilterError(400, PARSE_ERROR);
    if (this.peek()?.type === ')') throw new FilterError(400, PARSE_ERROR);
    const node = this.parseExpression();
    if (this.peek()?.type !== ')') {
      throw new FilterError(400, this.peek() === undefined ? UNBALANCED_PARENTHESES : PARSE_ERROR);
    }
    this.position++;
    return node;
  }

  private peek(): FilterToken | undefined {
    return this.tokens[this.position];
  }
}
