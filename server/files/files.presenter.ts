import type { StoredFile } from './files.service';

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A download link for the people allowed to follow it (the service checks again on download). */
export function presentFileLink(file: StoredFile) {
  return { href: `/files/${file.id}`, name: file.name, size: formatSize(file.size), type: file.type.toUpperCase() };
}
