import type { Connection } from 'mongoose';
import { createUploadArea } from '../core/upload';
import type { AuditService } from '../audit';
import { storedFileModel } from './files.model';
import { filesRoutes } from './files.routes';
import { createFileService } from './files.service';

export function createFilesFeature(deps: { connection: Connection; dataDir: string; audit: AuditService }) {
  const uploads = createUploadArea(deps.dataDir);
  const service = createFileService({ files: storedFileModel(deps.connection), uploads, audit: deps.audit });
  return { service, uploads, router: filesRoutes(service) };
}

export type { FileService, StoredFile } from './files.service';
export type { FileKind } from './files.model';
export { presentFileLink } from './files.presenter';
