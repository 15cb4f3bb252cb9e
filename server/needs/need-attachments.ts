import fs from 'node:fs/promises';
import { PDFDocument } from 'pdf-lib';
import { DOCUMENT_TYPES_LABEL, documentUpload, refineDocument } from '../core/document-upload';
import { PDF_FILE, ReceivedUpload, RejectedUpload, type UploadOutcome, type UploadPolicy } from '../core/upload';

export const NEED_ATTACHMENT_POLICY: UploadPolicy = documentUpload('file');

export const ATTACHMENT_TYPES_LABEL = DOCUMENT_TYPES_LABEL;

/**
 * Completes the content check of a received attachment: a container must
 * hold an Office document, and a PDF must open (an encrypted or broken PDF
 * could not carry the download watermark, so it is refused up front).
 */
export async function refineAttachment(outcome: UploadOutcome): Promise<UploadOutcome> {
  if (!(outcome instanceof ReceivedUpload) || outcome.type !== PDF_FILE) return refineDocument(outcome);
  try {
    const document = await PDFDocument.load(await fs.readFile(outcome.tempPath), { updateMetadata: false });
    // `load` accepts a file whose page tree is unreadable; the watermark is drawn on the pages, so they must be there.
    if (document.getPageCount() > 0) return outcome;
  } catch {
    // Refused below, like a file that does not open at all.
  }
  return new RejectedUpload('PDF 文件无法打开或已加密，请上传未加密的 PDF / The PDF cannot be opened or is encrypted; upload an unencrypted PDF');
}
