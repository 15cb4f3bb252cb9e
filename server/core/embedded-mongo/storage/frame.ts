import { open } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

/**
 * Journal and snapshot files share one framing: [u32 LE payload length]
 * [u32 LE CRC32 of the payload][payload]. A frame is the unit of atomicity on
 * replay: it is either applied whole or not at all.
 */
export const FRAME_HEADER_BYTES = 8;
export const MAX_FRAME_PAYLOAD_BYTES = 0xffff_ffff;

const READ_CHUNK_BYTES = 1 << 20;

export function frameHeader(payload: readonly Uint8Array[]): Buffer {
  let length = 0;
  let crc = 0;
  for (const part of payload) {
    length += part.length;
    crc = crc32(part, crc);
  }
  if (length === 0 || length > MAX_FRAME_PAYLOAD_BYTES) {
    throw new RangeError(`frame payload of ${length} bytes is outside 1..${MAX_FRAME_PAYLOAD_BYTES}`);
  }
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  header.writeUInt32LE(length, 0);
  header.writeUInt32LE(crc, 4);
  return header;
}

export interface FrameDamage {
  /** File offset of the first frame that could not be read. */
  offset: number;
  reason: string;
  /**
   * Whether nothing readable follows the damage (the frame runs to or past the
   * end of the file, or only zero bytes follow it), i.e. it looks like a write
   * that was cut short rather than corruption of data written earlier.
   */
  atTail: boolean;
}

export interface ScanResult {
  size: number;
  /** Bytes from the start of the file covered by intact frames. */
  goodBytes: number;
  damage?: FrameDamage;
}

/**
 * Streams the frames of `path` in order, handing each verified payload to
 * `onPayload`, and stops at the first damaged frame. Payload buffers are never
 * reused afterwards, because BSON values decoded from them (Binary) keep views
 * into them.
 */
export async function scanFrames(path: string, onPayload: (payload: Buffer, offset: number) => void): Promise<ScanResult> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    let chunk = Buffer.alloc(0);
    let chunkStart = 0;

    // Makes bytes [pos, pos + length) addressable in `chunk`; the caller has
    // checked they lie inside the file.
    const ensure = async (pos: number, length: number): Promise<void> => {
      if (pos >= chunkStart && pos + length <= chunkStart + chunk.length) return;
      const kept = pos >= chunkStart && pos < chunkStart + chunk.length ? chunk.subarray(pos - chunkStart) : Buffer.alloc(0);
      const next = Buffer.allocUnsafe(Math.min(Math.max(length, READ_CHUNK_BYTES), size - pos));
      kept.copy(next);
      let filled = kept.length;
      while (filled < next.length) {
        const { bytesRead } = await handle.read(next, filled, next.length - filled, pos + filled);
        if (bytesRead === 0) throw new Error(`${path} shrank while it was being read`);
        filled += bytesRead;
      }
      chunk = next;
      chunkStart = pos;
    };

    const onlyZerosFrom = async (pos: number): Promise<boolean> => {
      const probe = Buffer.allocUnsafe(64 * 1024);
      for (let at = pos; at < size; ) {
        const { bytesRead } = await handle.read(probe, 0, Math.min(probe.length, size - at), at);
        if (bytesRead === 0) return true;
        for (let i = 0; i < bytesRead; i++) if (probe[i] !== 0) return false;
        at += bytesRead;
      }
      return true;
    };

    let pos = 0;
    while (pos < size) {
      if (size - pos < FRAME_HEADER_BYTES) {
        return { size, goodBytes: pos, damage: { offset: pos, reason: 'incomplete record header', atTail: true } };
      }
      await ensure(pos, FRAME_HEADER_BYTES);
      const length = chunk.readUInt32LE(pos - chunkStart);
      const expectedCrc = chunk.readUInt32LE(pos - chunkStart + 4);
      const end = pos + FRAME_HEADER_BYTES + length;
      if (length === 0) {
        return { size, goodBytes: pos, damage: { offset: pos, reason: 'zero-length record', atTail: await onlyZerosFrom(pos) } };
      }
      if (end > size) {
        return { size, goodBytes: pos, damage: { offset: pos, reason: `record of ${length} bytes runs past the end of the file`, atTail: true } };
      }
      await ensure(pos, FRAME_HEADER_BYTES + length);
      const payload = chunk.subarray(pos - chunkStart + FRAME_HEADER_BYTES, end - chunkStart);
      if (crc32(payload) !== expectedCrc) {
        const atTail = end === size || (await onlyZerosFrom(end));
        return { size, goodBytes: pos, damage: { offset: pos, reason: 'checksum mismatch', atTail } };
      }
      onPayload(payload, pos);
      pos = end;
    }
    return { size, goodBytes: pos };
  } finally {
    await handle.close();
  }
}
