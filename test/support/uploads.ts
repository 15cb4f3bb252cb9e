import zlib from 'node:zlib';
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

/**
 * A real PNG (signature, IHDR, IDAT and IEND chunks with their CRCs) of an
 * 8-bit RGB picture: a diagonal gradient with a dark frame, so a browser
 * visibly shows it. `padTo` appends an ancillary chunk to reach a file size.
 */
export function minimalPng(options: { width?: number; height?: number; padTo?: number } = {}): Buffer {
  const { width = 96, height = 64 } = options;
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3); // filter byte 0, then pixels
    for (let x = 0; x < width; x += 1) {
      const frame = x < 3 || y < 3 || x >= width - 3 || y >= height - 3;
      row[1 + x * 3] = frame ? 20 : Math.round((255 * x) / width);
      row[2 + x * 3] = frame ? 40 : 120;
      row[3 + x * 3] = frame ? 80 : Math.round((255 * y) / height);
    }
    rows.push(row);
  }
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(Buffer.concat(rows)))];
  const size = parts.reduce((total, part) => total + part.length, 0) + 12;
  // A private ancillary chunk ("raNd") that decoders skip.
  if (options.padTo && options.padTo > size + 12) parts.push(chunk('raNd', Buffer.alloc(options.padTo - size - 12, 0x20)));
  return Buffer.concat([...parts, chunk('IEND', Buffer.alloc(0))]);
}

/** A real ZIP archive (stored entries, central directory, end record) of the given files. */
export function zipArchive(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const fileName = Buffer.from(name, 'utf8');
    const data = Buffer.from(text, 'utf8');
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A Word document's skeleton: what makes a ZIP a .docx is its `word/document.xml` part. */
export function wordDocument(): Buffer {
  return zipArchive({
    '[Content_Types].xml': '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    'word/document.xml': '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Rongtong</w:t></w:r></w:p></w:body></w:document>',
  });
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
