/** Collections by name, aliases pointing at them, and the synonyms shared by both. */
import { badRequest, conflict, notFound } from './api-error';
import { CollectionStore } from './collection-store';
import { CollectionSchema, parseCollectionCreate, parseSchemaUpdate } from './schema';
import { SynonymStore } from './synonym-store';

export class CollectionRegistry {
  private collections = new Map<string, CollectionStore>();
  private aliases = new Map<string, string>();
  readonly synonyms = new SynonymStore();

  create(body: unknown): CollectionStore {
    const { options, fields } = parseCollectionCreate(body);
    if (this.collections.has(options.name)) throw conflict(`A collection with name \`${options.name}\` already exists.`);
    const store = new CollectionStore(new CollectionSchema(options, fields));
    this.collections.set(options.name, store);
    return store;
  }

  list(): CollectionStore[] {
    // Typesense lists the newest collection first.
    return [...this.collections.values()].reverse();
  }

  /** Resolves a collection name, following an alias of that name first. */
  resolve(name: string): CollectionStore {
    const store = this.find(name);
    if (!store) throw notFound('Not Found');
    return store;
  }

  find(name: string): CollectionStore | undefined {
    return this.collections.get(this.aliases.get(name) ?? name);
  }

  drop(name: string): CollectionStore {
    const store = this.resolve(name);
    this.collections.delete(store.name);
    this.synonyms.dropCollection(store.name);
    return store;
  }

  update(name: string, body: unknown): Record<string, unknown> {
    const store = this.resolve(name);
    const raw = (body ?? {}) as Record<string, unknown>;
    const response: Record<string, unknown> = {};
    if (raw.synonym_sets !== undefined) {
      if (!Array.isArray(raw.synonym_sets) || raw.synonym_sets.some((set) => typeof set !== 'string')) throw badRequest('Parameter `synonym_sets` must be an array of strings.');
      store.schema.options.synonym_sets = raw.synonym_sets as string[];
      response.synonym_sets = raw.synonym_sets;
    }
    if (raw.metadata !== undefined) {
      if (!raw.metadata || typeof raw.metadata !== 'object' || Array.isArray(raw.metadata)) throw badRequest('The `metadata` value should be an object.');
      store.schema.options.metadata = raw.metadata as Record<string, unknown>;
      response.metadata = raw.metadata;
    }
    if (raw.fields === undefined && Object.keys(response).length > 0) return response;
    const { add, drop } = parseSchemaUpdate(body, store.schema);
    for (const field of drop) {
      if (field === store.schema.options.default_sorting_field) throw badRequest('Default sorting field cannot be dropped.');
    }
    for (const field of drop) store.schema.dropField(field);
    for (const field of add) store.schema.addField(field);
    store.reindex();
    response.fields = [...drop.map((name) => ({ name, drop: true })), ...add.map((field) => ({ ...field }))];
    return response;
  }

  upsertAlias(name: string, body: unknown): { name: string; collection_name: string } {
    const target = (body as { collection_name?: unknown } | null)?.collection_name;
    if (typeof target !== 'string' || target === '') throw badRequest('Parameter `collection_name` is required.');
    this.aliases.set(name, target);
    return { name, collection_name: target };
  }

  getAlias(name: string): { name: string; collection_name: string } {
    const target = this.aliases.get(name);
    if (target === undefined) throw notFound('Not Found');
    return { name, collection_name: target };
  }

  listAliases(): Array<{ name: string; collection_name: string }> {
    return [...this.aliases].map(([name, collection_name]) => ({ name, collection_name }));
  }

  deleteAlias(name: string): { name: string; collection_name: string } {
    const alias = this.getAlias(name);
    this.aliases.delete(name);
    return alias;
  }
}
