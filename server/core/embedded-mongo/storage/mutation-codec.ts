import { deserialize, serialize, type DeserializeOptions, type Document } from 'bson';
import type { StoreMutation } from './storage.types';

/**
 * How stored BSON is turned back into values. Nothing is promoted to a plain JS
 * value, so every BSON type survives a restart exactly (Int32 vs Double vs
 * Long, BSON regex flags JS cannot express). The flip side: a plain number
 * given to storage comes back as Int32 or Double. The wire layer should decode
 * with the same options so live and restarted state look alike.
 */
export const storedBsonDecodeOptions: Readonly<DeserializeOptions> = Object.freeze({
  promoteValues: false,
  bsonRegExp: true,
});

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
    docs.push(deserialize(payload.subarray(pos, pos + size), storedBsonDecodeOptions));
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
