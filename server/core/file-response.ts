import type { Response } from 'express';

/**
 * Sends a kept upload with the type detected from its content, which the
 * browser must not second-guess (`nosniff`). Documents are always downloads;
 * pictures that our own pages show in an `<img>` may be `inline` (same
 * origin, so `img-src 'self'` allows them), still named for "save as".
 */
export function sendUpload(res: Response, file: { path: string; name: string; mime: string }, disposition: 'attachment' | 'inline'): void {
  // Express writes the header with the RFC 6266 / 5987 encoding a Chinese file name needs.
  res.attachment(file.name);
  if (disposition === 'inline') res.set('Content-Disposition', res.get('Content-Disposition')!.replace(/^attachment/, 'inline'));
  res.set({ 'Content-Type': file.mime, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'private, no-store' });
  // The path is ours (a random key under DATA_DIR), so a dot directory in DATA_DIR must not hide it.
  res.sendFile(file.path, { dotfiles: 'allow', etag: false, lastModified: false, cacheControl: false });
}
