import type { SensitiveTerm } from './screening.service';

export function presentTerm(term: SensitiveTerm) {
  return { id: term.id, term: term.term, pattern: term.match === 'pattern', action: term.action, note: term.note, builtIn: term.builtIn };
}

export type TermView = ReturnType<typeof presentTerm>;
