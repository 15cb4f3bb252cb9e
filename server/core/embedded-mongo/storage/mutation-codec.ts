import { BSONSymbol, DBRef, Double, Int32, deserialize, serialize, type DeserializeOptions, type Document } from 'bson';
import type { StoreMutation } from './storage.types';

/**
 * Stored values come back in the shapes the wire layer decodes client BSON
 * into (plain numbers and strings, Long, Binary, RegExp), so state after a
 * restart looks exactly like live state. Nothing is promoted by bson itself;
 * `restoreShapes` does it, because bson's promotion would also turn a Double
 * holding an integer into a plain number, which re-serialises as an int32.
 */
const DECODE_OPTIONS: Readonly<DeserializeOptions> = Object.freeze({
  promoteValues: false,
  promoteLongs: false,
  promoteBuffers: false,
  bsonRegExp: false,
});

const INT32_MIN = -0x8000_0000;
const INT32_MAX = 0x7fff_ffff;

/** Mirrors bson's rule for writing a JS number as int32 rather than double. */
function serialisesAsInt32(value: number): boolean {
  return !Object.is(value, -0) && Number.isSafeInteger(value) && value >= INT32_MIN && value <= INT32_MAX;
}

/** `item` in the shape the wire layer would have given it; containers are fixed in place. */
function restored(item: unknown): unknown {
  if (typeof item !== 'object' || item === null) return item;
  if (item instanceof Int32 || item instanceof BSONSymbol) return item.value;
  if (item instanceof Double) return serialisesAsInt32(item.value) ? item : item.value;
  if (item instanceof DBRef) {
    item.oid = restored(item.oid) as DBRef['oid'];
    restoreShapes(item.fields);
  } else if (Array.isArray(item) || Object.getPrototypeOf(item) === Object.prototype) {
    restoreShapes(item as Document | unknown[]);
  }
  return item;
}

function restoreShapes(container: Document | unknown[]): void {
  if (Array.isArray(container)) {
    for (let index = 0; index < container.length; index++) {
      const item: unknown = container[index];
      const replacement = restored(item);
      if (replacement !== item) container[index] = replacement;
    }
    return;
  }
  // An own `__proto__` property (bson defines it so) shadows the inherited
  // accessor, so assigning to it never touches the prototype.
  for (const key of Object.keys(container)) {
    const item: unknown = container[key];
    const replacement = restored(item);
    if (replacement !== item) container[key] = replacement;
  }
}

const MUTATION_OPS: ReadonlySet<string> = new Set<StoreMutation['op']>([
  'createCollection',
  'dropCollection',
  'dropDatabase',
  'createIndex',
  'dropIndex',
  'put',
  'delete',
]);

/** Field names like `$set`, `a.b` or `__proto__` are data here, never checked. */
export function encodeDocument(doc: Document): Uint8Array {
  return serialize(doc, { checkKeys: false });
}

/**
 * Splits a frame payload (BSON documents back to back) into documents. bson
 * defines a `__proto__` key as an own property, so stored keys cannot reach
 * prototypes.
 */
export function decodeDocuments(payload: Buffer): Document[] {
  const docs: Document[] = [];
  for (let pos = 0; pos < payload.length; ) {
    const size = payload.length - pos >= 4 ? payload.readInt32LE(pos) : -1;
    if (size < 5 || pos + size > payload.length) {
      throw new Error(`malformed BSON document at payload byte ${pos}`);
    }
    const doc = deserialize(payload.subarray(pos, pos + size), DECODE_OPTIONS);
    restoreShapes(doc);
    docs.push(doc);
    pos += size;
  }
  return docs;
}

export function asMutation(doc: Document): StoreMutation {
  if (typeof doc.op !== 'string' || !MUTATION_OPS.has(doc.op)) {
    throw new Error(`stored record has unknown op ${JSON.stringify(doc.op)}`);
  }
  return doc as StoreMutation;
}
