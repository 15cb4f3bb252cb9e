import type { Actor } from '../core/actor';
import { NotFoundError } from '../core/errors';
import type { ReceivedUpload, UploadArea } from '../core/upload';
import type { AuditService } from '../audit';
import type { FileKind, StoredFileModel, StoredFileRecord } from './files.model';

export interface StoredFile {
  id: string;
  organisationId: string;
  kind: FileKind;
  name: string;
  type: string;
  mime: string;
  size: number;
  sha256: string;
  uploadedBy: string;
  createdAt: Date;
}

function toStoredFile(record: StoredFileRecord): StoredFile {
  return {
    id: record._id.toHexString(),
    organisationId: record.organisationId,
    kind: record.kind,
    name: record.name,
    type: record.type,
    mime: record.mime,
    size: record.size,
    sha256: record.sha256,
    uploadedBy: record.uploadedBy,
    createdAt: record.createdAt,
  };
}

const OBJECT_ID = /^[a-f0-9]{24}$/;

/** The owning organisation's people, organisers and platform admins; nobody else learns a file exists. */
function mayRead(actor: Actor | null, record: StoredFileRecord): boolean {
  if (!actor) return false;
  if (actor.roles.includes('organiser') || actor.roles.includes('platform-admin')) return true;
  return actor.organisationId === record.organisationId;
}

export interface FileServiceDeps {
  files: StoredFileModel;
  uploads: UploadArea;
  audit: AuditService;
}

/**
 * Uploaded documents (certificate scans, business licences). Other services
 * store files after checking who may upload; this service decides who may
 * read them and audits every download.
 */
export function createFileService({ files, uploads, audit }: FileServiceDeps) {
  return {
    /** Keeps an accepted upload for an organisation; the caller has checked the uploader's rights. */
    async store(owner: { organisationId: string; kind: FileKind; uploadedBy: string }, upload: ReceivedUpload): Promise<StoredFile> {
      const storageKey = await uploads.keep(upload);
      try {
        const record = await files.create({
          organisationId: owner.organisationId,
          kind: owner.kind,
          name: upload.name,
          type: upload.type.code,
          mime: upload.type.mime,
          size: upload.size,
          sha256: upload.sha256,
          storageKey,
          uploadedBy: owner.uploadedBy,
        });
        return toStoredFile(record.toObject());
      } catch (error) {
        await uploads.discard(storageKey);
        throw error;
      }
    },

    async describe(ids: string[]): Promise<Map<string, StoredFile>> {
      const records = await files.find({ _id: { $in: ids.filter((id) => OBJECT_ID.test(id)) } }).lean<StoredFileRecord[]>();
      return new Map(records.map((record) => [record._id.toHexString(), toStoredFile(record)]));
    },

    /** A download: where the bytes are, after the access check and the audit entry. */
    async open(actor: Actor | null, id: string, ip: string): Promise<{ file: StoredFile; path: string }> {
      const record = OBJECT_ID.test(id) ? await files.findById(id).lean<StoredFileRecord>() : null;
      if (!record || !mayRead(actor, record)) throw new NotFoundError('没有这个文件 / No such file', { id });
      const file = toStoredFile(record);
      await audit.record({
        actor,
        action: 'file.downloaded',
        target: { type: 'file', id: file.id, label: file.name },
        details: { kind: file.kind, organisationId: file.organisationId, sha256: file.sha256 },
        ip,
      });
      return { file, path: uploads.pathOf(record.storageKey) };
    },
  };
}

export type FileService = ReturnType<typeof createFileService>;
