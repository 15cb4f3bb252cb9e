/**
 * Typesense's HTTP API over node:http: routing, API-key check, body limits and
 * the `{"message": ...}` error convention. Handlers are thin; behaviour lives
 * in the registry, collection store, bulk operations and search executor.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../server/core/logger';
import { ApiError, badRequest } from './api-error';
import { deleteByFilter, exportDocuments, importDocuments, parseAction, parseDirtyValues, updateByFilter } from './bulk-operations';
import type { CollectionRegistry } from './collection-registry';
import type { CollectionStore } from './collection-store';
import { runSearch, SearchBatch, type SearchParams } from './search-executor';

const JSON_BODY_LIMIT = 32 * 1024 * 1024;
const IMPORT_BODY_LIMIT = 512 * 1024 * 1024;
const MAX_MULTI_SEARCHES = 50;
const SERVER_VERSION = '30.1';
const FORBIDDEN = 'Forbidden - a valid `x-typesense-api-key` header must be sent.';

type Params = Record<string, string>;

interface RequestContext {
  method: string;
  segments: string[];
  query: Params;
  readText(limit?: number): Promise<string>;
  readJson(): Promise<unknown>;
}

interface Reply {
  status: number;
  body: unknown;
  /** Already-serialised text body (JSONL endpoints). */
  text?: string;
  /** Already-serialised JSON body. */
  json?: string;
  /** Already-serialised JSON body in parts, written one after another. */
  jsonParts?: string[];
}

const ok = (body: unknown, status = 200): Reply => ({ status, body });

export function createRequestHandler(registry: CollectionRegistry, apiKey: string, logger: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(registry, apiKey, req)
      .then((reply) => send(res, reply))
      .catch((error: unknown) => {
        if (error instanceof ApiError) return send(res, { status: error.status, body: { message: error.message } });
        logger.error({ err: error, url: req.url }, 'embedded typesense request failed');
        send(res, { status: 500, body: { message: 'Internal Server Error' } });
      });
  };
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent) return;
  if (reply.jsonParts) {
    // Joined, a match's results made a string of a megabyte, allocated straight into the old generation each time.
    const parts = reply.jsonParts;
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': parts.reduce((sum, part) => sum + Buffer.byteLength(part), 0) });
    res.cork();
    for (const part of parts) res.write(part);
    res.uncork();
    res.end();
    return;
  }
  const isText = reply.text !== undefined;
  const payload = isText ? reply.text! : (reply.json ?? JSON.stringify(reply.body));
  res.writeHead(reply.status, {
    'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new ApiError(413, 'Request body is too large.'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

async function handle(registry: CollectionRegistry, apiKey: string, req: IncomingMessage): Promise<Reply> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const segments = url.pathname.split('/').filter(Boolean).map((part) => decodeURIComponent(part));
  const query: Params = {};
  for (const [key, value] of url.searchParams) query[key] = value;
  const method = (req.method ?? 'GET').toUpperCase();
  if (method === 'GET' && segments.length === 1 && segments[0] === 'health') return ok({ ok: true });
  const key = req.headers['x-typesense-api-key'] ?? query['x-typesense-api-key'];
  if (key !== apiKey) {
    req.resume();
    throw new ApiError(401, FORBIDDEN);
  }
  delete query['x-typesense-api-key'];
  let consumed = false;
  const context: RequestContext = {
    method,
    segments,
    query,
    readText: (limit = JSON_BODY_LIMIT) => {
      consumed = true;
      return readBody(req, limit);
    },
    readJson: async () => {
      consumed = true;
      const text = await readBody(req, JSON_BODY_LIMIT);
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw badRequest('Bad JSON.');
      }
    },
  };
  try {
    return await route(registry, context);
  } finally {
    if (!consumed) req.resume();
  }
}

const notFoundReply = (): never => {
  throw new ApiError(404, 'Not Found');
};

async function route(registry: CollectionRegistry, ctx: RequestContext): Promise<Reply> {
  const [root, name, sub, id, extra] = ctx.segments;
  const { method } = ctx;
  switch (root) {
    case 'debug':
      if (method === 'GET' && !name) return ok({ state: 1, version: SERVER_VERSION });
      return notFoundReply();
    case 'collections':
      if (!name) {
        if (method === 'GET') return ok(registry.list().map((store) => store.summary()));
        if (method === 'POST') return ok(registry.create(await ctx.readJson()).summary(), 201);
        return notFoundReply();
      }
      if (!sub) {
        if (method === 'GET') return ok(registry.resolve(name).summary());
        if (method === 'DELETE') return ok(registry.drop(name).summary());
        if (method === 'PATCH') {
          const response = registry.update(name, await ctx.readJson());
          await registry.resolve(name).indexReady();
          return ok(response);
        }
        return notFoundReply();
      }
      if (sub === 'documents') return documentsRoute(registry, registry.resolve(name), name, id, extra, ctx);
      if (sub === 'synonyms' && !extra) return legacySynonymsRoute(registry, registry.resolve(name), id, ctx);
      return notFoundReply();
    case 'aliases':
      if (!name && method === 'GET') return ok({ aliases: registry.listAliases() });
      if (name && !sub) {
        if (method === 'GET') return ok(registry.getAlias(name));
        if (method === 'PUT') return ok(registry.upsertAlias(name, await ctx.readJson()));
        if (method === 'DELETE') return ok(registry.deleteAlias(name));
      }
      return notFoundReply();
    case 'synonym_sets':
      return synonymSetsRoute(registry, name, sub, id, extra, ctx);
    case 'multi_search':
      if (method === 'POST' && !name) return multiSearch(registry, ctx);
      return notFoundReply();
    default:
      return notFoundReply();
  }
}

async function documentsRoute(registry: CollectionRegistry, store: CollectionStore, requestedName: string, id: string | undefined, extra: string | undefined, ctx: RequestContext): Promise<Reply> {
  const reply = await documentsReply(registry, store, requestedName, id, extra, ctx);
  // A write that added a searchable field started an index rebuild; answer once the write is searchable.
  if (ctx.method !== 'GET') await store.indexReady();
  return reply;
}

async function documentsReply(registry: CollectionRegistry, store: CollectionStore, requestedName: string, id: string | undefined, extra: string | undefined, ctx: RequestContext): Promise<Reply> {
  const { method, query } = ctx;
  if (extra) return notFoundReply();
  if (id === undefined) {
    if (method === 'POST') {
      const body = await ctx.readJson();
      return ok(store.write(body, parseAction(query.action), parseDirtyValues(query.dirty_values)), 201);
    }
    if (method === 'DELETE') return ok(await deleteByFilter(store, query));
    if (method === 'PATCH') {
      const body = await ctx.readJson();
      return ok(await updateByFilter(store, query, body));
    }
    return notFoundReply();
  }
  if (id === 'search' && method === 'GET') return ok(runSearch(store, query, synonymRules(registry, store, query), requestedName));
  if (id === 'import' && method === 'POST') {
    const body = await ctx.readText(IMPORT_BODY_LIMIT);
    const text = await importDocuments(store, body, {
      action: parseAction(query.action),
      dirty: parseDirtyValues(query.dirty_values),
      returnId: query.return_id === 'true',
      returnDoc: query.return_doc === 'true',
    });
    return { status: 200, body: undefined, text };
  }
  if (id === 'export' && method === 'GET') return { status: 200, body: undefined, text: await exportDocuments(store, query) };
  if (method === 'GET') return ok(store.getDocument(id));
  if (method === 'DELETE') return ok(store.remove(id));
  if (method === 'PATCH') {
    const body = await ctx.readJson();
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Bad JSON.');
    return ok(store.write({ ...(body as Record<string, unknown>), id }, 'update', parseDirtyValues(query.dirty_values)));
  }
  return notFoundReply();
}

function synonymRules(registry: CollectionRegistry, store: CollectionStore, params: SearchParams) {
  const requested = params.synonym_sets ? params.synonym_sets.split(',').map((s) => s.trim()).filter(Boolean) : [];
  return registry.synonyms.rulesFor(store.name, [...store.schema.options.synonym_sets, ...requested]);
}

async function legacySynonymsRoute(registry: CollectionRegistry, store: CollectionStore, id: string | undefined, ctx: RequestContext): Promise<Reply> {
  const synonyms = registry.synonyms;
  if (id === undefined) {
    if (ctx.method === 'GET') return ok({ synonyms: synonyms.collectionRules(store.name) });
    return notFoundReply();
  }
  if (ctx.method === 'GET') return ok(synonyms.getCollectionRule(store.name, id));
  if (ctx.method === 'PUT') return ok(synonyms.upsertCollectionRule(store.name, id, await ctx.readJson()));
  if (ctx.method === 'DELETE') return ok(synonyms.deleteCollectionRule(store.name, id));
  return notFoundReply();
}

async function synonymSetsRoute(registry: CollectionRegistry, name: string | undefined, sub: string | undefined, id: string | undefined, extra: string | undefined, ctx: RequestContext): Promise<Reply> {
  const synonyms = registry.synonyms;
  const { method } = ctx;
  if (extra) return notFoundReply();
  if (!name) return method === 'GET' ? ok(synonyms.listSets()) : notFoundReply();
  if (!sub) {
    if (method === 'GET') return ok(synonyms.getSet(name));
    if (method === 'PUT') return ok(synonyms.upsertSet(name, await ctx.readJson()));
    if (method === 'DELETE') return ok(synonyms.deleteSet(name));
    return notFoundReply();
  }
  if (sub !== 'items') return notFoundReply();
  if (!id) return method === 'GET' ? ok(synonyms.setItems(name)) : notFoundReply();
  if (method === 'GET') return ok(synonyms.getSetItem(name, id));
  if (method === 'PUT') return ok(synonyms.upsertSetItem(name, id, await ctx.readJson()));
  if (method === 'DELETE') return ok(synonyms.deleteSetItem(name, id));
  return notFoundReply();
}

/** multi_search bodies carry JSON values; search parameters are strings like a query string's. */
function stringifyParams(raw: Record<string, unknown>): SearchParams {
  const params: SearchParams = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || value === null) continue;
    params[key] = Array.isArray(value) ? value.map(String).join(',') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return params;
}

/**
 * Each result is serialised as soon as it is computed: a match sends some
 * thirty searches of fifty hits, and holding all their hits until the end
 * made them outlive young-generation collections (costly copies and early
 * promotion on a large heap).
 */
async function multiSearch(registry: CollectionRegistry, ctx: RequestContext): Promise<Reply> {
  const body = await ctx.readJson();
  const searches = (body as { searches?: unknown } | null)?.searches;
  if (!Array.isArray(searches)) throw badRequest('Missing `searches` array.');
  if (searches.length > MAX_MULTI_SEARCHES) throw badRequest(`Number of multi searches exceeds \`limit_multi_searches\` parameter.`);
  const common = ctx.query;
  // Synchronous from here on: no write can land between the searches of the batch.
  const batch = new SearchBatch();
  const results = searches.map((search: unknown) => {
    try {
      if (!search || typeof search !== 'object' || Array.isArray(search)) throw badRequest('Bad JSON.');
      const params: SearchParams = { ...common, ...stringifyParams(search as Record<string, unknown>) };
      const collection = params.collection;
      if (!collection) throw badRequest('Parameter `collection` is required.');
      const store = registry.find(collection);
      if (!store) throw new ApiError(404, `Could not find a collection with name \`${collection}\`.`);
      return JSON.stringify(runSearch(store, params, synonymRules(registry, store, params), collection, batch));
    } catch (error) {
      if (error instanceof ApiError) return JSON.stringify({ code: error.status, error: error.message });
      throw error;
    }
  });
  return { status: 200, body: undefined, jsonParts: ['{"results":[', ...results.flatMap((result, i) => (i === 0 ? [result] : [',', result])), ']}'] };
}
