import fs from 'node:fs/promises';
import { JPEG_FILE, MEGABYTE, PDF_FILE, PNG_FILE, ReceivedUpload, RejectedUpload, type FileType, type UploadOutcome, type UploadPolicy } from './upload';

const startsWith = (signature: number[]) => (head: Buffer) => head.length >= signature.length && signature.every((byte, index) => head[index] === byte);

/**
 * Office files are containers (ZIP for .docx/.xlsx/.pptx, OLE compound files
 * for .doc/.xls/.ppt): the leading bytes only say which container, so
 * `refineDocument` looks inside for the part that makes it a document.
 */
const ZIP_CONTAINER: FileType = { code: 'zip', mime: 'application/zip', extension: 'zip', label: 'Office (docx/xlsx/pptx)', matches: startsWith([0x50, 0x4b, 0x03, 0x04]) };
const OLE_CONTAINER: FileType = { code: 'ole', mime: 'application/x-ole-storage', extension: 'ole', label: 'Office 97–2003 (doc/xls/ppt)', matches: startsWith([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]) };

const officeType = (code: string, mime: string): FileType => ({ code, mime, extension: code, label: code.toUpperCase(), matches: () => false });

/** The part whose presence makes a container a given Office document. */
const OOXML_PARTS: Array<{ marker: Buffer; type: FileType }> = [
  { marker: Buffer.from('word/document'), type: officeType('docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document') },
  { marker: Buffer.from('xl/workbook'), type: officeType('xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet') },
  { marker: Buffer.from('ppt/presentation'), type: officeType('pptx', 'application/vnd.openxmlformats-officedocument.presentationml.presentation') },
];
const OLE_STREAMS: Array<{ marker: Buffer; type: FileType }> = [
  { marker: Buffer.from('WordDocument', 'utf16le'), type: officeType('doc', 'application/msword') },
  { marker: Buffer.from('Workbook', 'utf16le'), type: officeType('xls', 'application/vnd.ms-excel') },
  { marker: Buffer.from('PowerPoint Document', 'utf16le'), type: officeType('ppt', 'application/vnd.ms-powerpoint') },
];

export const DOCUMENT_TYPES_LABEL = 'PDF、PNG、JPEG、Word、Excel、PowerPoint';

/** Attachments of listings: PDF, images or Office documents, at most 20 MB; finish the check with `refineDocument`. */
export function documentUpload(field: string): UploadPolicy {
  return {
    field,
    types: [PDF_FILE, PNG_FILE, JPEG_FILE, ZIP_CONTAINER, OLE_CONTAINER],
    maxBytes: 20 * MEGABYTE,
    accepted: { zh: DOCUMENT_TYPES_LABEL, en: 'PDF, PNG, JPEG, Word, Excel and PowerPoint' },
  };
}

const notAccepted = () =>
  new RejectedUpload(`只接受 ${DOCUMENT_TYPES_LABEL} 文件（按文件内容判断）/ Only PDF, PNG, JPEG, Word, Excel and PowerPoint files are accepted (judged by their content)`);

function renamed(upload: ReceivedUpload, type: FileType): ReceivedUpload {
  return new ReceivedUpload(upload.tempPath, `${upload.name.replace(/\.[^.]*$/, '')}.${type.extension}`, type, upload.size, upload.sha256);
}

/**
 * Completes the content check of a document received under `documentUpload`:
 * a container must hold an Office document, which then gets that
 * document's type, MIME type and extension.
 */
export async function refineDocument(outcome: UploadOutcome): Promise<UploadOutcome> {
  if (!(outcome instanceof ReceivedUpload)) return outcome;
  const candidates = outcome.type === ZIP_CONTAINER ? OOXML_PARTS : outcome.type === OLE_CONTAINER ? OLE_STREAMS : null;
  if (!candidates) return outcome;
  const content = await fs.readFile(outcome.tempPath);
  const found = candidates.find((candidate) => content.includes(candidate.marker));
  return found ? renamed(outcome, found.type) : notAccepted();
}
