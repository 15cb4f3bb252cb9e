/**
 * Synonyms in both shapes the official client 3.x speaks: server v30 synonym
 * sets (`/synonym_sets`, linked through a collection's `synonym_sets` or the
 * `synonym_sets` search parameter) and the older per-collection
 * `/collections/:c/synonyms` rules, which still apply to their collection.
 */
import { badRequest, notFound } from './api-error';

export interface SynonymItem {
  id: string;
  synonyms: string[];
  root?: string;
  locale?: string;
  symbols_to_index?: string[];
}

const MAX_ALTERNATIVES = 32;

export function parseSynonymItem(id: string, body: unknown): SynonymItem {
  if (!body || typeof body !== 'object') throw badRequest('Bad JSON.');
  const raw = body as Record<string, unknown>;
  if (!Array.isArray(raw.synonyms) || raw.synonyms.length === 0 || raw.synonyms.some((word) => typeof word !== 'string')) {
    throw badRequest('Could not find a valid string array of `synonyms`');
  }
  if (raw.root !== undefined && typeof raw.root !== 'string') throw badRequest('Key `root` should be a string.');
  const item: SynonymItem = { id, synonyms: raw.synonyms as string[] };
  if (typeof raw.root === 'string' && raw.root !== '') item.root = raw.root;
  if (typeof raw.locale === 'string') item.locale = raw.locale;
  if (Array.isArray(raw.symbols_to_index)) item.symbols_to_index = raw.symbols_to_index.map(String);
  return item;
}

export class SynonymStore {
  private sets = new Map<string, Map<string, SynonymItem>>();
  private perCollection = new Map<string, Map<string, SynonymItem>>();

  listSets(): Array<{ name: string; items: SynonymItem[] }> {
    return [...this.sets.keys()].map((name) => this.getSet(name));
  }

  getSet(name: string): { name: string; items: SynonymItem[] } {
    const set = this.sets.get(name);
    if (!set) throw notFound('Synonym set not found');
    return { name, items: [...set.values()] };
  }

  upsertSet(name: string, body: unknown): { name: string; items: SynonymItem[] } {
    const rawItems = (body as { items?: unknown } | null)?.items;
    if (!Array.isArray(rawItems)) throw badRequest('Missing or invalid `items` field');
    const items = new Map<string, SynonymItem>();
    rawItems.forEach((raw, index) => {
      const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : `${name}-${index}`;
      items.set(id, parseSynonymItem(id, raw));
    });
    this.sets.set(name, items);
    return this.getSet(name);
  }

  deleteSet(name: string): { name: string } {
    if (!this.sets.delete(name)) throw notFound('Synonym set not found');
    return { name };
  }

  setItems(name: string): SynonymItem[] {
    return this.getSet(name).items;
  }

  getSetItem(name: string, id: string): SynonymItem {
    const item = this.sets.get(name)?.get(id);
    if (!item) throw notFound('Synonym item not found');
    return item;
  }

  upsertSetItem(name: string, id: string, body: unknown): SynonymItem {
    let set = this.sets.get(name);
    if (!set) {
      set = new Map();
      this.sets.set(name, set);
    }
    const item = parseSynonymItem(id, body);
    set.set(id, item);
    return item;
  }

  deleteSetItem(name: string, id: string): { id: string } {
    if (!this.sets.get(name)?.delete(id)) throw notFound('Synonym item not found');
    return { id };
  }

  collectionRules(collection: string): SynonymItem[] {
    return [...(this.perCollection.get(collection)?.values() ?? [])];
  }

  getCollectionRule(collection: string, id: string): SynonymItem {
    const item = this.perCollection.get(collection)?.get(id);
    if (!item) throw notFound('Could not find that `id`.');
    return item;
  }

  upsertCollectionRule(collection: string, id: string, body: unknown): SynonymItem {
    let rules = this.perCollection.get(collection);
    if (!rules) {
      rules = new Map();
      this.perCollection.set(collection, rules);
    }
    const item = parseSynonymItem(id, body);
    rules.set(id, item);
    return item;
  }

  deleteCollectionRule(collection: string, id: string): { id: string } {
    if (!this.perCollection.get(collection)?.delete(id)) throw notFound('Could not find that `id`.');
    return { id };
  }

  dropCollection(collection: string): void {
    this.perCollection.delete(collection);
  }

  /** Rules in force for a search: the collection's own, its linked sets, and sets named in the request. */
  rulesFor(collection: string, setNames: readonly string[]): SynonymItem[] {
    const rules = this.collectionRules(collection);
    for (const name of new Set(setNames)) rules.push(...(this.sets.get(name)?.values() ?? []));
    return rules;
  }
}

function indexOfPhrase(tokens: readonly string[], phrase: readonly string[]): number {
  if (phrase.length === 0 || phrase.length > tokens.length) return -1;
  outer: for (let start = 0; start + phrase.length <= tokens.length; start += 1) {
    for (let offset = 0; offset < phrase.length; offset += 1) if (tokens[start + offset] !== phrase[offset]) continue outer;
    return start;
  }
  return -1;
}

/**
 * Query alternatives produced by synonyms: a multi-way rule swaps any of its
 * phrases for each of the others; a one-way rule only rewrites its root.
 */
export function expandWithSynonyms(tokens: string[], rules: readonly SynonymItem[], analyze: (text: string) => string[]): string[][] {
  const alternatives: string[][] = [];
  const seen = new Set([tokens.join('\u0000')]);
  const add = (candidate: string[]): void => {
    const key = candidate.join('\u0000');
    if (seen.has(key) || alternatives.length >= MAX_ALTERNATIVES) return;
    seen.add(key);
    alternatives.push(candidate);
  };
  for (const rule of rules) {
    const replacements = rule.synonyms.map(analyze).filter((phrase) => phrase.length > 0);
    const sources = rule.root !== undefined ? [analyze(rule.root)] : replacements;
    for (const source of sources) {
      const at = indexOfPhrase(tokens, source);
      if (at < 0) continue;
      for (const replacement of replacements) {
        if (replacement.join(' ') === source.join(' ')) continue;
        add([...tokens.slice(0, at), ...replacement, ...tokens.slice(at + source.length)]);
      }
    }
  }
  return alternatives;
}
