import { deserialize, serialize, type Document } from 'bson';

/** Framing of the MongoDB wire protocol (little-endian, 16-byte header). */

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;

export const HEADER_BYTES = 16;
export const MAX_MESSAGE_BYTES = 48_000_000;

const CHECKSUM_PRESENT = 1 << 0;
export const MORE_TO_COME = 1 << 1;
const EXHAUST_ALLOWED = 1 << 16;
/** Bits 0-15 are required: a receiver must reject unknown ones. */
const KNOWN_REQUIRED_BITS = CHECKSUM_PRESENT | MORE_TO_COME;

/** Values are kept as their BSON types (Long stays Long) so replies round-trip faithfully. */
const DESERIALIZE_OPTIONS = { promoteLongs: false, promoteValues: true, promoteBuffers: false } as const;

export class WireProtocolError extends Error {}

export interface MessageHeader {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export type InboundMessage =
  | { kind: 'msg'; header: MessageHeader; body: Document; moreToCome: boolean; exhaustAllowed: boolean }
  | { kind: 'query'; header: MessageHeader; collection: string; query: Document };

export function readHeader(buffer: Buffer, offset = 0): MessageHeader {
  return {
    length: buffer.readInt32LE(offset),
    requestId: buffer.readInt32LE(offset + 4),
    responseTo: buffer.readInt32LE(offset + 8),
    opCode: buffer.readInt32LE(offset + 12),
  };
}

function readCString(buffer: Buffer, offset: number, end: number): [string, number] {
  const zero = buffer.indexOf(0, offset);
  if (zero < 0 || zero >= end) throw new WireProtocolError('unterminated cstring');
  return [buffer.toString('utf8', offset, zero), zero + 1];
}

function readDocument(buffer: Buffer, offset: number, end: number): [Document, number] {
  if (offset + 5 > end) throw new WireProtocolError('truncated document');
  const size = buffer.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new WireProtocolError('invalid document length');
  try {
    return [deserialize(buffer.subarray(offset, offset + size), DESERIALIZE_OPTIONS), offset + size];
  } catch (error) {
    throw new WireProtocolError(`invalid BSON: ${(error as Error).message}`);
  }
}

/** Parses one complete message (`buffer` holds exactly `header.length` bytes). */
export function parseMessage(buffer: Buffer): InboundMessage {
  const header = readHeader(buffer);
  const end = buffer.length;
  if (header.opCode === OP_MSG) {
    const flags = buffer.readUInt32LE(HEADER_BYTES);
    if ((flags & 0xffff & ~KNOWN_REQUIRED_BITS) !== 0) throw new WireProtocolError('unknown required flag bits');
    let sectionsEnd = end;
    if (flags & CHECKSUM_PRESENT) {
      sectionsEnd = end - 4;
      if (sectionsEnd < HEADER_BYTES + 4) throw new WireProtocolError('truncated checksum');
      if (crc32c(buffer.subarray(0, sectionsEnd)) !== buffer.readUInt32LE(sectionsEnd)) {
        throw new WireProtocolError('checksum mismatch');
      }
    }
    let offset = HEADER_BYTES + 4;
    let body: Document | undefined;
    const sequences: Array<[string, Document[]]> = [];
    while (offset < sectionsEnd) {
      const kind = buffer[offset];
      offset += 1;
      if (kind === 0) {
        if (body !== undefined) throw new WireProtocolError('more than one body section');
        [body, offset] = readDocument(buffer, offset, sectionsEnd);
      } else if (kind === 1) {
        if (offset + 4 > sectionsEnd) throw new WireProtocolError('truncated document sequence');
        const size = buffer.readInt32LE(offset);
        const sectionEnd = offset + size;
        if (size < 5 || sectionEnd > sectionsEnd) throw new WireProtocolError('invalid document sequence length');
        let [identifier, cursor] = readCString(buffer, offset + 4, sectionEnd);
        const docs: Document[] = [];
        while (cursor < sectionEnd) {
          let doc: Document;
          [doc, cursor] = readDocument(buffer, cursor, sectionEnd);
          docs.push(doc);
        }
        sequences.push([identifier, docs]);
        offset = sectionEnd;
      } else {
        throw new WireProtocolError(`unknown section kind ${kind}`);
      }
    }
    if (body === undefined) throw new WireProtocolError('OP_MSG without a body section');
    for (const [identifier, docs] of sequences) {
      if (Object.prototype.hasOwnProperty.call(body, identifier)) throw new WireProtocolError(`duplicate field ${identifier}`);
      body[identifier] = docs;
    }
    return { kind: 'msg', header, body, moreToCome: (flags & MORE_TO_COME) !== 0, exhaustAllowed: (flags & EXHAUST_ALLOWED) !== 0 };
  }
  if (header.opCode === OP_QUERY) {
    const [collection, afterName] = readCString(buffer, HEADER_BYTES + 4, end);
    // numberToSkip and numberToReturn are meaningless for commands.
    const [query] = readDocument(buffer, afterName + 8, end);
    return { kind: 'query', header, collection, query };
  }
  throw new WireProtocolError(`unsupported opCode ${header.opCode}`);
}

let nextRequestId = 1;

/**
 * The message header plus the `extra` bytes before the body, as one chunk:
 * replies go out as [prefix, body] in a single writev, so the serialised body
 * is never copied again to join them.
 */
function prefix(bodyBytes: number, extra: number, responseTo: number, opCode: number): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + extra).fill(0, HEADER_BYTES);
  out.writeInt32LE(HEADER_BYTES + extra + bodyBytes, 0);
  out.writeInt32LE(nextRequestId, 4);
  nextRequestId = nextRequestId >= 0x7fffffff ? 1 : nextRequestId + 1;
  out.writeInt32LE(responseTo, 8);
  out.writeInt32LE(opCode, 12);
  return out;
}

/** An OP_MSG reply (flagBits 0, one kind-0 section) as chunks to write in order. */
export function encodeOpMsg(responseTo: number, body: Document): [Buffer, Uint8Array] {
  const bson = serialize(body, { checkKeys: false, ignoreUndefined: false });
  return [prefix(bson.length, 5, responseTo, OP_MSG), bson];
}

/** An OP_REPLY with one document as chunks to write in order. */
export function encodeOpReply(responseTo: number, doc: Document): [Buffer, Uint8Array] {
  const bson = serialize(doc, { checkKeys: false, ignoreUndefined: false });
  // responseFlags, cursorID (int64), startingFrom: all 0; then numberReturned.
  const head = prefix(bson.length, 20, responseTo, OP_REPLY);
  head.writeInt32LE(1, HEADER_BYTES + 16);
  return [head, bson];
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli), the OP_MSG checksum. */
export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = CRC32C_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
