import type { Actor } from '../core/actor';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../core/errors';
import type { ReceivedUpload, UploadArea } from '../core/upload';
import type { AuditService } from '../audit';
import type { Organisation, OrganisationService } from '../organisations';
import type { ScreenedText, ScreeningFinding, ScreeningService } from '../screening';
import type { TaxonomyService } from '../taxonomy';
import type { SearchIndexer } from '../../search';
import { organisationCollection } from '../../search/organisations';
import type { CapabilityFileRecord, CapabilityModel, CapabilityRecord, CapabilityStatus, SpecificationRow } from './capabilities.model';
import type { CapabilityFileKind, CapabilityInput } from './capabilities.schemas';

export const CAPABILITY_COLLECTION = 'capabilities';

/** Civilian suppliers offer to defence; defence enterprises offer their technology to the civilian market. */
const DIRECTIONS_BY_KIND: Record<string, readonly string[]> = {
  enterprise: ['civil-to-military', 'military-to-civil'],
  institute: ['civil-to-military', 'military-to-civil'],
  university: ['civil-to-military', 'military-to-civil'],
  'defence-enterprise': ['military-to-civil'],
};

export const PUBLISHING_KINDS = Object.keys(DIRECTIONS_BY_KIND);

/** A qualification the organisation holds, as the qualifications service reports it. */
export interface HeldQualification {
  id: string;
  type: string;
  level: string | null;
  /** Last valid day, `YYYY-MM-DD`. */
  validUntil: string;
  verified: boolean;
}

/** What capabilities need from the qualifications feature. */
export interface QualificationsReader {
  forOrganisations(organisationIds: string[]): Promise<Map<string, HeldQualification[]>>;
}

export class CapabilityKindNotAllowedError extends AppError {
  constructor() {
    super(403, 'organisation_kind_not_allowed', '只有民口企业、科研院所、高校和军工企业（军转民）可以发布能力 / Only enterprises, institutes, universities and defence enterprises (military-to-civil) publish capabilities');
  }
}

/** An attachment or image as listings show it; where the bytes are stays inside the service. */
export interface CapabilityFile {
  id: string;
  name: string;
  type: string;
  size: number;
  uploadedAt: Date;
}

export interface CapabilityImage extends CapabilityFile {
  caption: string;
}

/**
 * Where each kind of file lives on the record, the form field its errors are
 * reported on, and how many a capability may carry.
 */
const FILE_SLOTS = {
  attachment: { slot: 'attachments', field: 'file', max: 10, tooMany: '最多 10 个附件 / At most 10 attachments' },
  image: { slot: 'images', field: 'image', max: 8, tooMany: '最多 8 张图片 / At most 8 images' },
} as const;

export interface Capability {
  id: string;
  organisationId: string;
  kind: string;
  direction: string;
  title: string;
  summary: string;
  description: string;
  industries: string[];
  keywords: string[];
  trl: number | null;
  specifications: SpecificationRow[];
  scenarios: string[];
  qualificationIds: string[];
  attachments: CapabilityFile[];
  images: CapabilityImage[];
  status: CapabilityStatus;
  declaredAt: Date | null;
  publishedAt: Date | null;
  withdrawnAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

function toFile(record: CapabilityFileRecord): CapabilityFile {
  return { id: record._id.toHexString(), name: record.name, type: record.type, size: record.size, uploadedAt: record.uploadedAt };
}

function toCapability(record: CapabilityRecord): Capability {
  return {
    id: record._id.toHexString(),
    organisationId: record.organisationId,
    kind: record.kind,
    direction: record.direction,
    title: record.title,
    summary: record.summary,
    description: record.description,
    industries: [...record.industries],
    keywords: [...record.keywords],
    trl: record.trl ?? null,
    specifications: record.specifications.map((row) => ({ name: row.name, value: row.value, unit: row.unit })),
    scenarios: [...record.scenarios],
    qualificationIds: [...record.qualificationIds],
    // Records stored before capabilities carried files have neither list.
    attachments: (record.attachments ?? []).map(toFile),
    images: (record.images ?? []).map((image) => ({ ...toFile(image), caption: image.caption })),
    status: record.status,
    declaredAt: record.declaration?.at ?? null,
    publishedAt: record.publishedAt ?? null,
    withdrawnAt: record.withdrawnAt ?? null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

const OBJECT_ID = /^[a-f0-9]{24}$/;

function isReviewer(actor: Actor | null): boolean {
  return actor?.roles.some((role) => role === 'organiser' || role === 'platform-admin') ?? false;
}

function belongsTo(actor: Actor | null, capability: { organisationId: string }): boolean {
  return Boolean(actor?.organisationId && actor.organisationId === capability.organisationId && actor.roles.some((role) => role === 'org-admin' || role === 'org-member'));
}

export interface CapabilityServiceDeps {
  capabilities: CapabilityModel;
  organisations: OrganisationService;
  qualifications: QualificationsReader;
  taxonomy: TaxonomyService;
  screening: ScreeningService;
  audit: AuditService;
  indexer: SearchIndexer;
  uploads: UploadArea;
  listingKinds: ReadonlyArray<{ code: string }>;
  /** A capability was just published (not re-published after an edit): alerts and strong-match notices follow. */
  onPublished(capabilityId: string): Promise<void>;
}

/** A capability with the organisation and qualification facts shown beside it. */
export interface CapabilityDetail {
  capability: Capability;
  organisation: Organisation;
  backing: HeldQualification[];
  mayEdit: boolean;
  mayWithdraw: boolean;
}

export function createCapabilityService(deps: CapabilityServiceDeps) {
  const { capabilities, organisations, qualifications, taxonomy, screening, audit, indexer, uploads } = deps;
  const listingKinds = new Set(deps.listingKinds.map((kind) => kind.code));

  /** The acting person's verified organisation, provided its kind publishes capabilities. */
  async function publisher(actor: Actor | null): Promise<{ actor: Actor; organisation: Organisation }> {
    if (!actor?.roles.some((role) => role === 'org-admin' || role === 'org-member')) throw new ForbiddenError();
    const organisation = await organisations.requireVerified(actor);
    if (!DIRECTIONS_BY_KIND[organisation.kind]) throw new CapabilityKindNotAllowedError();
    return { actor, organisation };
  }

  async function load(id: string): Promise<CapabilityRecord> {
    const record = OBJECT_ID.test(id) ? await capabilities.findById(id).lean<CapabilityRecord>() : null;
    if (!record) throw new NotFoundError('没有这个能力 / No such capability', { id });
    return record;
  }

  /** Capabilities have no organiser review, so a held term keeps the listing a draft until it is removed. */
  function refusePublication(held: ScreeningFinding[]): never {
    const fieldErrors: Record<string, string[]> = {};
    for (const finding of held) {
      (fieldErrors[finding.field] ??= []).push(`含有须审查的敏感词“${finding.found}”（规则：${finding.rule}），请删除后再发布，或先保存为草稿 / Contains the sensitive term “${finding.found}” (rule: ${finding.rule}); remove it before publishing or save a draft`);
    }
    throw new ValidationError(fieldErrors, '提交内容未通过保密检查 / The submission did not pass the confidentiality screen');
  }

  /** The names (and captions) of the files already on the listing, screened with the text at every save. */
  function fileTexts(record: Pick<CapabilityRecord, 'attachments' | 'images'> | null): ScreenedText[] {
    if (!record) return [];
    return [
      { field: 'attachments', text: (record.attachments ?? []).map((file) => file.name).join('\n') },
      { field: 'images', text: (record.images ?? []).flatMap((image) => [image.name, image.caption]).join('\n') },
    ];
  }

  /** Checks against reference data and the organisation's own qualifications; screening last. */
  async function checkInput(organisation: Organisation, input: CapabilityInput, current: CapabilityRecord | null = null): Promise<void> {
    const errors: Record<string, string[]> = {};
    if (!listingKinds.has(input.kind)) errors.kind = ['请选择有效的类别 / Choose a valid kind'];
    if (!DIRECTIONS_BY_KIND[organisation.kind]!.includes(input.direction)) {
      errors.direction = ['军工企业只能发布军转民能力 / Defence enterprises publish military-to-civil capabilities only'];
    }
    const leaves = new Set((await taxonomy.listDomains()).flatMap((domain) => domain.leaves.map((leaf) => leaf.code)));
    const unknown = input.industries.filter((code) => !leaves.has(code));
    if (unknown.length) errors.industries = [`未知的产业方向 / Unknown industries: ${unknown.join(', ')}`];
    const held = (await qualifications.forOrganisations([organisation.id])).get(organisation.id) ?? [];
    const heldIds = new Set(held.map((qualification) => qualification.id));
    if (input.qualificationIds.some((id) => !heldIds.has(id))) errors.qualificationIds = ['只能关联本单位的资质 / Link qualifications of your own organisation only'];
    if (Object.keys(errors).length) throw new ValidationError(errors);

    const heldTerms = await screening.enforce([
      { field: 'title', text: input.title },
      { field: 'summary', text: input.summary },
      { field: 'description', text: input.description },
      { field: 'keywords', text: input.keywords.join(' ') },
      { field: 'scenarios', text: input.scenarios.join('\n') },
      { field: 'specifications', text: input.specifications.map((row) => `${row.name} ${row.value} ${row.unit}`).join('\n') },
      ...fileTexts(current),
    ]);
    if (input.action === 'publish' && heldTerms.length) refusePublication(heldTerms);
  }

  /** Published listings of verified organisations are public; anything else only for its organisation and reviewers. */
  async function mayView(actor: Actor | null, record: CapabilityRecord): Promise<boolean> {
    if (belongsTo(actor, record) || isReviewer(actor)) return true;
    return record.status === 'published' && (await organisations.isVerified(record.organisationId));
  }

  function fileOf(record: CapabilityRecord, kind: CapabilityFileKind, fileId: string): CapabilityFileRecord | undefined {
    const files: CapabilityFileRecord[] = record[FILE_SLOTS[kind].slot] ?? [];
    return files.find((file) => file._id.toHexString() === fileId);
  }

  function fieldsOf(actor: Actor, input: CapabilityInput) {
    return {
      kind: input.kind,
      direction: input.direction,
      title: input.title,
      summary: input.summary,
      description: input.description,
      industries: [...new Set(input.industries)],
      keywords: input.keywords,
      trl: input.trl,
      specifications: input.specifications,
      scenarios: input.scenarios,
      qualificationIds: [...new Set(input.qualificationIds)],
      updatedBy: actor.id,
    };
  }

  /** The capability's document, and its organisation's, whose count of published capabilities moved. */
  async function indexListing(capability: Capability): Promise<void> {
    await indexer.changed(CAPABILITY_COLLECTION, [capability.id]);
    await indexer.changed(organisationCollection.name, [capability.organisationId]);
  }

  async function detail(actor: Actor | null, record: CapabilityRecord): Promise<CapabilityDetail> {
    const capability = toCapability(record);
    const [organisation, held] = await Promise.all([organisations.get(capability.organisationId), qualifications.forOrganisations([capability.organisationId])]);
    const linked = new Set(capability.qualificationIds);
    const own = belongsTo(actor, capability);
    return {
      capability,
      organisation,
      backing: (held.get(capability.organisationId) ?? []).filter((qualification) => linked.has(qualification.id)),
      mayEdit: own,
      mayWithdraw: capability.status === 'published' && (own || isReviewer(actor)),
    };
  }

  return {
    /** What the form offers the acting organisation: its directions and its qualifications to link. */
    async formContext(actor: Actor | null): Promise<{ organisation: Organisation; directions: readonly string[]; qualifications: HeldQualification[] }> {
      const { organisation } = await publisher(actor);
      const held = (await qualifications.forOrganisations([organisation.id])).get(organisation.id) ?? [];
      return { organisation, directions: DIRECTIONS_BY_KIND[organisation.kind]!, qualifications: held };
    },

    async create(actorIn: Actor | null, input: CapabilityInput, ip?: string): Promise<Capability> {
      const { actor, organisation } = await publisher(actorIn);
      await checkInput(organisation, input);
      const now = new Date();
      const publish = input.action === 'publish';
      const record = await capabilities.create({
        ...fieldsOf(actor, input),
        organisationId: organisation.id,
        status: publish ? 'published' : 'draft',
        declaration: input.declaration ? { by: actor.id, at: now } : null,
        createdBy: actor.id,
        publishedAt: publish ? now : null,
      });
      const capability = toCapability(record.toObject());
      if (publish) {
        await audit.record({ actor, action: 'capability.published', target: { type: 'capability', id: capability.id, label: capability.title }, details: { organisationId: organisation.id }, ip });
        await indexListing(capability);
        await deps.onPublished(capability.id);
      }
      return capability;
    },

    /**
     * Editing keeps the chosen outcome explicit: `publish` (re)publishes with a
     * fresh declaration, `draft` takes a published listing out of search.
     */
    async update(actorIn: Actor | null, id: string, input: CapabilityInput, ip?: string): Promise<Capability> {
      const current = await load(id);
      if (!belongsTo(actorIn, current)) throw new NotFoundError('没有这个能力 / No such capability', { id });
      const { actor, organisation } = await publisher(actorIn);
      await checkInput(organisation, input, current);
      const now = new Date();
      const publish = input.action === 'publish';
      const updated = await capabilities
        .findOneAndUpdate(
          { _id: current._id },
          {
            $set: {
              ...fieldsOf(actor, input),
              status: publish ? 'published' : 'draft',
              ...(input.declaration ? { declaration: { by: actor.id, at: now } } : {}),
              publishedAt: publish ? (current.status === 'published' ? current.publishedAt : now) : null,
              withdrawnAt: null,
            },
          },
          { returnDocument: 'after', runValidators: true },
        )
        .lean<CapabilityRecord>();
      if (!updated) throw new NotFoundError('没有这个能力 / No such capability', { id });
      const capability = toCapability(updated);
      if (publish || current.status === 'published') {
        const action = publish ? (current.status === 'published' ? 'capability.updated' : 'capability.published') : 'capability.unpublished';
        await audit.record({ actor, action, target: { type: 'capability', id: capability.id, label: capability.title }, details: { organisationId: organisation.id }, ip });
        await indexListing(capability);
        if (action === 'capability.published') await deps.onPublished(capability.id);
      }
      return capability;
    },

    /** The owner takes a listing down; organisers may too, as moderation. Audited either way. */
    async withdraw(actor: Actor | null, id: string, ip?: string): Promise<Capability> {
      const current = await load(id);
      const own = belongsTo(actor, current);
      if (!own && !isReviewer(actor)) throw new NotFoundError('没有这个能力 / No such capability', { id });
      if (current.status !== 'published') throw new ValidationError({ _: ['只有已发布的能力可以撤回 / Only a published capability can be withdrawn'] });
      const updated = await capabilities
        .findOneAndUpdate({ _id: current._id, status: 'published' }, { $set: { status: 'withdrawn', withdrawnAt: new Date(), updatedBy: actor!.id } }, { returnDocument: 'after' })
        .lean<CapabilityRecord>();
      if (!updated) throw new ValidationError({ _: ['只有已发布的能力可以撤回 / Only a published capability can be withdrawn'] });
      const capability = toCapability(updated);
      await audit.record({
        actor,
        action: 'capability.withdrawn',
        target: { type: 'capability', id: capability.id, label: capability.title },
        details: { organisationId: capability.organisationId, byOwner: own },
        ip,
      });
      await indexListing(capability);
      return capability;
    },

    /** A published capability for anyone; drafts and withdrawn ones only for their organisation and reviewers. */
    async view(actor: Actor | null, id: string): Promise<CapabilityDetail> {
      const record = await load(id);
      if (!(await mayView(actor, record))) throw new NotFoundError('没有这个能力 / No such capability', { id });
      return detail(actor, record);
    },

    /**
     * Adds an attachment or an image. Its name (and an image's caption) pass
     * the same screen as the text: a marking refuses it; a held term is
     * accepted on a draft (publication is then refused until it is removed)
     * but refused on a published listing, which nobody reviews.
     */
    async addFile(
      actorIn: Actor | null,
      id: string,
      kind: CapabilityFileKind,
      input: { upload: ReceivedUpload; caption?: string },
      ip?: string,
    ): Promise<CapabilityFile> {
      const current = await load(id);
      if (!belongsTo(actorIn, current)) throw new NotFoundError('没有这个能力 / No such capability', { id });
      const { actor } = await publisher(actorIn);
      const { slot, field, max, tooMany } = FILE_SLOTS[kind];
      if ((current[slot] ?? []).length >= max) throw new ValidationError({ [field]: [tooMany] });
      const caption = input.caption ?? '';
      const held = await screening.enforce([
        { field, text: input.upload.name },
        { field: 'caption', text: caption },
      ]);
      if (held.length && current.status === 'published') refusePublication(held);
      const now = new Date();
      const storageKey = await uploads.keep(input.upload);
      const entry = {
        name: input.upload.name,
        type: input.upload.type.code,
        mime: input.upload.type.mime,
        size: input.upload.size,
        sha256: input.upload.sha256,
        storageKey,
        uploadedBy: actor.id,
        uploadedAt: now,
        ...(kind === 'image' ? { caption } : {}),
      };
      let updated: CapabilityRecord | null;
      try {
        updated = await capabilities
          .findOneAndUpdate(
            { _id: current._id, status: current.status },
            {
              $push: { [slot]: entry },
              // The upload form asks for the declaration, which renews that of a published listing.
              $set: { updatedBy: actor.id, ...(current.status === 'published' ? { declaration: { by: actor.id, at: now } } : {}) },
            },
            { returnDocument: 'after', runValidators: true },
          )
          .lean<CapabilityRecord>();
      } catch (error) {
        await uploads.discard(storageKey);
        throw error;
      }
      if (!updated) {
        await uploads.discard(storageKey);
        throw new ConflictError('capability_changed', '能力刚被其他人修改，请刷新后重试 / The capability was changed meanwhile; reload and try again');
      }
      const stored = updated[slot][updated[slot].length - 1]!;
      await audit.record({
        actor,
        action: `capability.${kind}-added`,
        target: { type: 'capability', id, label: updated.title },
        details: { name: stored.name, type: stored.type, sha256: stored.sha256, held: held.map((finding) => finding.found) },
        ip,
      });
      return toFile(stored);
    },

    /** The owning organisation's people remove a file, whatever the listing's status. */
    async removeFile(actor: Actor | null, id: string, kind: CapabilityFileKind, fileId: string, ip?: string): Promise<void> {
      const current = await load(id);
      if (!belongsTo(actor, current)) throw new NotFoundError('没有这个能力 / No such capability', { id });
      const file = fileOf(current, kind, fileId);
      if (!file) throw new NotFoundError('没有这个文件 / No such file', { id: fileId });
      await capabilities.updateOne({ _id: current._id }, { $pull: { [FILE_SLOTS[kind].slot]: { _id: file._id } }, $set: { updatedBy: actor!.id } });
      await uploads.discard(file.storageKey);
      await audit.record({ actor, action: `capability.${kind}-removed`, target: { type: 'capability', id, label: current.title }, details: { name: file.name, sha256: file.sha256 }, ip });
    },

    /** A file for whoever may see the listing; to anybody else neither the listing nor the file exists. */
    async openFile(actor: Actor | null, id: string, kind: CapabilityFileKind, fileId: string): Promise<{ name: string; mime: string; path: string }> {
      const record = await load(id);
      const file = (await mayView(actor, record)) ? fileOf(record, kind, fileId) : undefined;
      if (!file) throw new NotFoundError('没有这个文件 / No such file', { id: fileId });
      return { name: file.name, mime: file.mime, path: uploads.pathOf(file.storageKey) };
    },

    /** The editing form's starting point: only the owning organisation's people. */
    async editable(actor: Actor | null, id: string): Promise<Capability> {
      const record = await load(id);
      if (!belongsTo(actor, record)) throw new NotFoundError('没有这个能力 / No such capability', { id });
      return toCapability(record);
    },

    /** "My capabilities": every listing of the acting person's organisation, newest change first. */
    async listMine(actor: Actor | null): Promise<{ organisation: Organisation; capabilities: Capability[] }> {
      if (!actor?.organisationId || !actor.roles.some((role) => role === 'org-admin' || role === 'org-member')) throw new ForbiddenError();
      const organisation = await organisations.get(actor.organisationId);
      const records = await capabilities.find({ organisationId: organisation.id }).sort({ updatedAt: -1 }).lean<CapabilityRecord[]>();
      return { organisation, capabilities: records.map(toCapability) };
    },

    /** The published capabilities among `ids`, as the store has them now (matching re-checks against this). */
    async publishedMany(ids: string[]): Promise<Map<string, Capability>> {
      const wanted = ids.filter((id) => /^[a-f0-9]{24}$/.test(id));
      if (wanted.length === 0) return new Map();
      const records = await capabilities.find({ _id: { $in: wanted }, status: 'published' }).lean<CapabilityRecord[]>();
      return new Map(records.map((record) => [record._id.toHexString(), toCapability(record)]));
    },

    /** Capabilities published since `since`, oldest first (for digests); the caller checks their organisations. */
    async publishedSince(since: Date, limit = 500): Promise<Capability[]> {
      const records = await capabilities.find({ status: 'published', publishedAt: { $gt: since } }).sort({ publishedAt: 1 }).limit(limit).lean<CapabilityRecord[]>();
      return records.map(toCapability);
    },

    /** Published capabilities of one organisation, for its public profile. */
    async listPublishedBy(organisationId: string): Promise<Capability[]> {
      const records = await capabilities.find({ organisationId, status: 'published' }).sort({ publishedAt: -1 }).lean<CapabilityRecord[]>();
      return records.map(toCapability);
    },

    /** The most recently published capabilities of verified organisations (home page). */
    async latestPublished(limit: number): Promise<Array<{ capability: Capability; organisation: Organisation }>> {
      // Capabilities of organisations that lost their verification are rare; a margin covers them.
      const records = await capabilities.find({ status: 'published' }).sort({ publishedAt: -1 }).limit(limit * 3).lean<CapabilityRecord[]>();
      const owners = await organisations.findMany([...new Set(records.map((record) => record.organisationId))]);
      return records
        .flatMap((record) => {
          const organisation = owners.get(record.organisationId);
          return organisation?.status === 'verified' ? [{ capability: toCapability(record), organisation }] : [];
        })
        .slice(0, limit);
    },

    async countPublished(): Promise<number> {
      return capabilities.countDocuments({ status: 'published' });
    },

    /** Published capabilities per organisation, for the organisations search collection. */
    async publishedCounts(organisationIds: string[]): Promise<Map<string, number>> {
      const rows = await capabilities.aggregate<{ _id: string; count: number }>([
        { $match: { organisationId: { $in: organisationIds }, status: 'published' } },
        { $group: { _id: '$organisationId', count: { $sum: 1 } } },
      ]);
      return new Map(rows.map((row) => [row._id, row.count]));
    },

    /**
     * Re-indexes an organisation's published capabilities: their documents
     * carry the organisation's verification, province and qualifications.
     */
    async organisationChanged(organisationId: string): Promise<void> {
      const records = await capabilities.find({ organisationId, status: 'published' }, { _id: 1 }).lean<Array<Pick<CapabilityRecord, '_id'>>>();
      await indexer.changed(CAPABILITY_COLLECTION, records.map((record) => record._id.toHexString()));
    },
  };
}

export type CapabilityService = ReturnType<typeof createCapabilityService>;
