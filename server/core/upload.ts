import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import multer, { MulterError } from 'multer';
import { z } from 'zod';

/**
 * A file type the platform accepts, recognised by its leading bytes. The
 * name a client gives a file and the MIME type it claims are never trusted:
 * an executable renamed `.pdf` is still an executable.
 */
export interface FileType {
  code: string;
  mime: string;
  extension: string;
  label: string;
  matches(head: Buffer): boolean;
}

const startsWith = (signature: number[]) => (head: Buffer) => head.length >= signature.length && signature.every((byte, index) => head[index] === byte);

export const PDF_FILE: FileType = { code: 'pdf', mime: 'application/pdf', extension: 'pdf', label: 'PDF', matches: startsWith([...Buffer.from('%PDF-')]) };
export const PNG_FILE: FileType = { code: 'png', mime: 'image/png', extension: 'png', label: 'PNG', matches: startsWith([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) };
export const JPEG_FILE: FileType = { code: 'jpeg', mime: 'image/jpeg', extension: 'jpg', label: 'JPEG', matches: startsWith([0xff, 0xd8, 0xff]) };

/** Enough leading bytes for every signature above. */
const HEAD_BYTES = 16;

export const MEGABYTE = 1024 * 1024;

/** What one upload field accepts; each feature states its own types and size limit. */
export interface UploadPolicy {
  field: string;
  types: readonly FileType[];
  maxBytes: number;
  /** How a refusal names what is accepted, when the types' own labels would be technical (Office containers). */
  accepted?: { zh: string; en: string };
}

/** Scans of certificates and licences: PDF or an image, at most 10 MB. */
export function scanUpload(field: string): UploadPolicy {
  return { field, types: [PDF_FILE, PNG_FILE, JPEG_FILE], maxBytes: 10 * MEGABYTE };
}

/** A file that passed the checks, still in the temporary area until a service keeps it. */
export class ReceivedUpload {
  constructor(
    readonly tempPath: string,
    /** The client's name, reduced to a safe base name with the detected type's extension. */
    readonly name: string,
    readonly type: FileType,
    readonly size: number,
    readonly sha256: string,
  ) {}
}

/** A file that was sent but refused; carries the message for the form field. */
export class RejectedUpload {
  constructor(readonly message: string) {}
}

export type UploadOutcome = ReceivedUpload | RejectedUpload | undefined;

/**
 * The form field of an upload inside a zod schema, so a refused or missing
 * file is reported together with the form's other field errors.
 */
export function uploadField<R extends boolean>(options: { required: R }) {
  return z.unknown().transform((value, context): R extends true ? ReceivedUpload : ReceivedUpload | undefined => {
    if (value instanceof RejectedUpload) context.addIssue({ code: 'custom', message: value.message });
    else if (!(value instanceof ReceivedUpload) && options.required) context.addIssue({ code: 'custom', message: '请选择要上传的文件 / Choose a file to upload' });
    return (value instanceof ReceivedUpload ? value : undefined) as R extends true ? ReceivedUpload : ReceivedUpload | undefined;
  });
}

function formatMegabytes(bytes: number): string {
  return `${Math.round((bytes / MEGABYTE) * 10) / 10} MB`;
}

/** Characters that mean something to file systems, shells or HTTP headers. */
const UNSAFE_NAME_CHARACTERS = /[\u0000-\u001f\u007f<>:"/\\|?*;]+/g;

/**
 * The client's file name as harmless metadata: only the last path segment,
 * no control or reserved characters, no leading dots, at most 100
 * characters, and the extension of the type the content actually has.
 */
export function sanitiseFileName(clientName: string, type: FileType): string {
  const lastSegment = clientName.split(/[/\\]/).pop() ?? '';
  const cleaned = lastSegment.normalize('NFC').replace(UNSAFE_NAME_CHARACTERS, '_').replace(/\s+/g, ' ').trim();
  const base = cleaned.replace(/\.[^.]*$/, '').replace(/^[.\s_]+/, '').slice(0, 100).trim();
  return `${base || 'file'}.${type.extension}`;
}

interface TempFileInfo {
  path: string;
  size: number;
  sha256: string;
  head: Buffer;
}

/**
 * Multer storage that streams each file to the temporary area, hashing it
 * and keeping its first bytes for type detection on the way.
 */
function tempFileStorage(incomingDir: string): multer.StorageEngine {
  return {
    _handleFile(_req, file, callback) {
      const tempPath = path.join(incomingDir, randomBytes(16).toString('hex'));
      const hash = createHash('sha256');
      const headChunks: Buffer[] = [];
      let headLength = 0;
      let size = 0;
      const inspect = new Transform({
        transform(chunk: Buffer, _encoding, next) {
          hash.update(chunk);
          size += chunk.length;
          if (headLength < HEAD_BYTES) {
            headChunks.push(chunk.subarray(0, HEAD_BYTES - headLength));
            headLength += Math.min(chunk.length, HEAD_BYTES - headLength);
          }
          next(null, chunk);
        },
      });
      fs.promises
        .mkdir(incomingDir, { recursive: true, mode: 0o700 })
        .then(() => pipeline(file.stream, inspect, fs.createWriteStream(tempPath, { flags: 'wx', mode: 0o600, flush: true })))
        .then(
          () => {
            const info: TempFileInfo = { path: tempPath, size, sha256: hash.digest('hex'), head: Buffer.concat(headChunks) };
            callback(null, info);
          },
          (error: unknown) => fs.rm(tempPath, { force: true }, () => callback(error as Error)),
        );
    },
    _removeFile(_req, file, callback) {
      fs.rm(file.path, { force: true }, callback);
    },
  };
}

/**
 * Uploads: received into `DATA_DIR/uploads/incoming`, checked there, and kept
 * under `DATA_DIR/uploads/<random hex>` (outside anything served statically)
 * once a service accepts them. Whatever a request leaves in the temporary
 * area is removed when its response ends.
 */
export function createUploadArea(dataDir: string) {
  const root = path.join(dataDir, 'uploads');
  const incoming = path.join(root, 'incoming');
  const storage = tempFileStorage(incoming);

  function pathOf(key: string): string {
    if (!/^[a-f0-9]{32}$/.test(key)) throw new Error(`not an upload key: ${key}`);
    return path.join(root, key);
  }

  async function parse(req: Request, res: Response, policy: UploadPolicy): Promise<(TempFileInfo & { originalname: string }) | undefined> {
    const middleware = multer({
      storage,
      // Browsers send file names as raw UTF-8 in the part header; busboy would read them as Latin-1.
      defParamCharset: 'utf8',
      limits: { fileSize: policy.maxBytes, files: 1, fields: 50, fieldSize: 64 * 1024, parts: 52 },
    }).single(policy.field);
    await new Promise<void>((resolve, reject) => middleware(req, res, (error?: unknown) => (error ? reject(error) : resolve())));
    const file = req.file as (Express.Multer.File & TempFileInfo) | undefined;
    if (file) res.once('close', () => fs.rm(file.path, { force: true }, () => undefined));
    return file;
  }

  return {
    /**
     * Parses a multipart request (its text fields land in `req.body`) and
     * checks the one file of `policy.field`: its type from the content, its
     * size. A refusal is returned, not thrown, for the form to report.
     */
    async receive(req: Request, res: Response, policy: UploadPolicy): Promise<UploadOutcome> {
      let file: Awaited<ReturnType<typeof parse>>;
      try {
        file = await parse(req, res, policy);
      } catch (error) {
        if (!(error instanceof MulterError)) throw error;
        if (error.code === 'LIMIT_FILE_SIZE') return new RejectedUpload(`文件超过 ${formatMegabytes(policy.maxBytes)} 上限 / The file is larger than ${formatMegabytes(policy.maxBytes)}`);
        return new RejectedUpload(`上传的表单无法处理（${error.code}）/ The upload could not be processed (${error.code})`);
      }
      if (!file) return undefined;
      if (file.size === 0) return new RejectedUpload('文件是空的 / The file is empty');
      const type = policy.types.find((candidate) => candidate.matches(file.head));
      if (!type) {
        const labels = policy.types.map((candidate) => candidate.label);
        const accepted = policy.accepted ?? { zh: labels.join('、'), en: labels.join(', ') };
        return new RejectedUpload(`只接受 ${accepted.zh} 文件（按文件内容判断）/ Only ${accepted.en} files are accepted (judged by their content)`);
      }
      return new ReceivedUpload(file.path, sanitiseFileName(file.originalname, type), type, file.size, file.sha256);
    },

    /** Moves an accepted upload to permanent storage and returns its key; durable when this resolves. */
    async keep(upload: ReceivedUpload): Promise<string> {
      const key = randomBytes(16).toString('hex');
      await fs.promises.rename(upload.tempPath, path.join(root, key));
      const directory = await fs.promises.open(root, 'r');
      try {
        await directory.sync();
      } finally {
        await directory.close();
      }
      return key;
    },

    /** Undoes `keep` when the record that refers to the file could not be written. */
    async discard(key: string): Promise<void> {
      await fs.promises.rm(pathOf(key), { force: true });
    },

    pathOf,
  };
}

export type UploadArea = ReturnType<typeof createUploadArea>;
