import { PDFDocument, StandardFonts, degrees, rgb } from 'pdf-lib';

export interface WatermarkSubject {
  organisationName: string;
  creditCode: string;
  at: string;
}

/** The watermark line in the standard PDF fonts' character set, which has no Chinese glyphs. */
export function watermarkLine(subject: WatermarkSubject): string {
  return `Rongtong | downloaded by ${subject.creditCode} | ${subject.at} (Beijing)`;
}

/**
 * Stamps every page of a restricted need's PDF with the downloading
 * organisation and time. The visible stamp names the organisation by its
 * unified social credit code because the fonts every PDF reader has carry no
 * Chinese glyphs (embedding a CJK font would add megabytes to each download);
 * the Chinese name goes into the document's metadata, which is Unicode.
 */
export async function watermarkPdf(bytes: Uint8Array, subject: WatermarkSubject): Promise<Uint8Array> {
  const document = await PDFDocument.load(bytes, { updateMetadata: false });
  const font = await document.embedFont(StandardFonts.Helvetica);
  const line = watermarkLine(subject);
  for (const page of document.getPages()) {
    const { width, height } = page.getSize();
    const size = Math.max(8, Math.min(14, width / 50));
    page.drawText(line, { x: 24, y: 18, size: size * 0.8, font, color: rgb(0.55, 0.1, 0.1), opacity: 0.8 });
    page.drawText(line, {
      x: width * 0.12,
      y: height * 0.3,
      size,
      font,
      color: rgb(0.6, 0.6, 0.6),
      opacity: 0.35,
      rotate: degrees(Math.atan2(height, width) * (180 / Math.PI)),
    });
  }
  document.setSubject(`下载单位 / Downloaded by: ${subject.organisationName} (${subject.creditCode}), ${subject.at}`);
  document.setKeywords(['融通', subject.organisationName, subject.creditCode, subject.at]);
  return document.save();
}
