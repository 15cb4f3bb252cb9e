import { Router } from 'express';
import { actorOf, guardedRouter, requireUser } from '../core/guards';
import { validate } from '../core/validate';
import { fileParams } from './files.schemas';
import type { FileService } from './files.service';

export function filesRoutes(files: FileService): Router {
  const router = guardedRouter(Router());

  // Always a download, never rendered in the browser: scans are evidence, not pages.
  router.get('/files/:id', requireUser, async (req, res) => {
    const { id } = validate(fileParams, req.params);
    const { file, path } = await files.open(actorOf(req), id, req.ip ?? 'unknown');
    res.attachment(file.name);
    res.set({ 'Content-Type': file.mime, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'private, no-store' });
    // The path is ours (a random key under DATA_DIR), so a dot directory in DATA_DIR must not hide it.
    res.sendFile(path, { dotfiles: 'allow', etag: false, lastModified: false, cacheControl: false });
  });

  return router;
}
