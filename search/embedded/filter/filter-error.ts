/**
 * A rejected `filter_by`. `status` is the HTTP status Typesense answers with (404 for a
 * field that is not in the schema, 400 for everything else) and `message` follows
 * Typesense's wording so clients that match on it keep working.
 */
export class FilterError extends Error {
  readonly status: 400 | 404;

  constructor(status: 400 | 404, message: string) {
    super(message);
    this.name = 'FilterError';
    this.status = status;
  }
}

export const PARSE_ERROR = 'Could not parse the filter query.';
export const UNBALANCED_PARENTHESES = 'Could not parse the filter query: unbalanced parentheses.';

export function unbalancedOperands(operator: '&&' | '||'): string {
  return `Could not parse the filter query: unbalanced \`${operator}\` operands.`;
}

export function fieldError(field: string, detail: string): FilterError {
  return new FilterError(400, `Error with filter field \`${field}\`: ${detail}`);
}
