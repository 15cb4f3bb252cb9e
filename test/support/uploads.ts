import type { SignedIn } from './agents';

/**
 * A minimal but well-formed one-page PDF (header, catalogue, pages, page,
 * content stream, cross-reference table with exact offsets, trailer).
 */
export function minimalPdf(text = 'Rongtong test certificate'): Buffer {
  const stream = `BT /F1 18 Tf 72 720 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(stream)} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body));
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body);
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** The start of a Linux executable (ELF header) padded to a plausible size. */
export function elfExecutable(): Buffer {
  return Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), Buffer.alloc(4096, 0x90)]);
}

/** The start of a Windows executable (`MZ`). */
export function windowsExecutable(): Buffer {
  return Buffer.concat([Buffer.from('MZ'), Buffer.alloc(4096, 0)]);
}

export interface FilePart {
  field: string;
  content: Buffer;
  filename: string;
  contentType?: string;
}

/**
 * Posts a multipart form the way the browser does: text fields first, the
 * file last, the CSRF token in the query string.
 */
export function postMultipart(signedIn: SignedIn, path: string, fields: Record<string, string>, file?: FilePart) {
  let request = signedIn.agent.post(`${path}?_csrf=${encodeURIComponent(signedIn.csrf)}`);
  for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
  if (file) request = request.attach(file.field, file.content, { filename: file.filename, contentType: file.contentType ?? 'application/pdf' });
  return request;
}
