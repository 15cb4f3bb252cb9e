import { z } from 'zod';
import type { Actor } from '../core/actor';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../core/errors';
import type { Locale } from '../core/i18n';
import type { ReceivedUpload } from '../core/upload';
import type { AuditService } from '../audit';
import type { FileService, StoredFile } from '../files';
import type { MailService } from '../mail';
import type { RegionsService } from '../regions';
import type { TaxonomyService } from '../taxonomy';
import type { OrganisationModel, OrganisationRecord, OrganisationStatus } from './organisations.model';
import type { OrganisationInput, OrganisationProfileInput, VerificationDecision } from './organisations.schemas';

export interface OrganisationKind {
  code: string;
  zh: string;
  en: string;
}

const kindsSchema = z.array(z.object({ code: z.string().regex(/^[a-z-]+$/), zh: z.string().min(1), en: z.string().min(1) })).min(1);

export interface Organisation {
  id: string;
  name: string;
  creditCode: string;
  kind: string;
  province: string;
  city: string;
  industries: string[];
  introduction: string;
  contact: { person: string; phone: string; email: string };
  status: OrganisationStatus;
  verification: { decidedBy: string; decidedAt: Date; reason: string } | null;
  licenceFileId: string | null;
  licenceSubmittedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Publishing and restricted content are for verified organisations only. */
export class OrganisationUnverifiedError extends AppError {
  constructor() {
    super(403, 'organisation_unverified', '贵单位尚未通过认证，暂不能发布内容或查看受限内容 / Your organisation is not verified yet: it cannot publish or see restricted content');
  }
}

const DIRECTORY_PAGE_SIZE = 50;

function toOrganisation(record: OrganisationRecord): Organisation {
  return {
    id: record._id.toHexString(),
    name: record.name,
    creditCode: record.creditCode,
    kind: record.kind,
    province: record.province,
    city: record.city,
    industries: [...record.industries],
    introduction: record.introduction,
    contact: { person: record.contact.person, phone: record.contact.phone, email: record.contact.email },
    status: record.status,
    verification: record.verification ?? null,
    licenceFileId: record.licenceFileId ?? null,
    licenceSubmittedAt: record.licenceSubmittedAt ?? null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number })?.code === 11000;
}

const OBJECT_ID = /^[a-f0-9]{24}$/;

export interface OrganisationServiceDeps {
  organisations: OrganisationModel;
  kinds: unknown;
  taxonomy: TaxonomyService;
  regions: RegionsService;
  audit: AuditService;
  mail: MailService;
  files: FileService;
  /**
   * Called after a change that decides whether or how the organisation
   * appears in search (a verification decision, a profile edit), so the
   * organisations and capabilities collections follow it.
   */
  onOrganisationChanged?: (organisationId: string) => Promise<void>;
}

const duplicateCreditCode = () => new ValidationError({ creditCode: ['该统一社会信用代码已注册 / This credit code is already registered'] });

function isReviewer(actor: Actor | null): actor is Actor {
  return actor?.roles.some((role) => role === 'organiser' || role === 'platform-admin') ?? false;
}

/** The administrator of an organisation acting for it. */
function organisationAdmin(actor: Actor | null): Actor & { organisationId: string } {
  if (!actor?.roles.includes('org-admin') || !actor.organisationId) throw new ForbiddenError();
  return actor as Actor & { organisationId: string };
}

export function createOrganisationService(deps: OrganisationServiceDeps) {
  const { organisations, taxonomy, regions, audit, mail, files } = deps;
  const kinds = kindsSchema.parse(deps.kinds);
  const kindCodes = new Set(kinds.map((kind) => kind.code));

  /** Reference-data checks zod cannot do alone: kinds, regions and industries come from the catalogues. */
  async function checkReferences(input: Pick<OrganisationInput, 'province' | 'city' | 'industries'> & { kind?: string }): Promise<void> {
    const errors: Record<string, string[]> = {};
    if (input.kind !== undefined && !kindCodes.has(input.kind)) errors.kind = ['请选择有效的单位类型 / Choose a valid kind'];
    if (!regions.isProvince(input.province)) errors.province = ['请选择有效的省份 / Choose a valid province'];
    else if (!regions.isValid(input.province, input.city)) errors.city = ['所选城市不属于该省份 / The city is not in that province'];
    const leaves = new Set((await taxonomy.listDomains()).flatMap((domain) => domain.leaves.map((leaf) => leaf.code)));
    const unknown = input.industries.filter((code) => !leaves.has(code));
    if (unknown.length) errors.industries = [`未知的产业方向 / Unknown industries: ${unknown.join(', ')}`];
    if (Object.keys(errors).length) throw new ValidationError(errors);
  }

  async function get(id: string): Promise<Organisation> {
    const record = OBJECT_ID.test(id) ? await organisations.findById(id).lean<OrganisationRecord>() : null;
    if (!record) throw new NotFoundError('没有这个单位 / No such organisation', { id });
    return toOrganisation(record);
  }

  return {
    kinds(): OrganisationKind[] {
      return kinds;
    },

    kindLabel(code: string, locale: Locale): string {
      const kind = kinds.find((candidate) => candidate.code === code);
      return kind ? kind[locale] : code;
    },

    /**
     * Creates a `pending` organisation for a self-registration; accounts
     * creates its first administrator right after (see accounts.register).
     */
    async create(input: OrganisationInput): Promise<Organisation> {
      await checkReferences(input);
      if (await organisations.exists({ creditCode: input.creditCode })) throw duplicateCreditCode();
      try {
        const record = await organisations.create({
          name: input.name,
          creditCode: input.creditCode,
          kind: input.kind,
          province: input.province,
          city: input.city,
          industries: [...new Set(input.industries)],
          introduction: input.introduction,
          contact: { person: input.contactPerson, phone: input.contactPhone, email: input.contactEmail },
          status: 'pending',
        });
        return toOrganisation(record.toObject());
      } catch (error) {
        if (isDuplicateKey(error)) throw duplicateCreditCode();
        throw error;
      }
    },

    /** Undoes `create` when the registration could not be completed; only a still-pending organisation. */
    async abandonRegistration(id: string): Promise<void> {
      await organisations.deleteOne({ _id: id, status: 'pending', verification: null });
    },

    get,

    /** The acting person's own organisation. */
    async own(actor: Actor | null): Promise<Organisation> {
      if (!actor?.organisationId) throw new NotFoundError('您不属于任何单位 / You do not belong to an organisation');
      return get(actor.organisationId);
    },

    async findMany(ids: string[]): Promise<Map<string, Organisation>> {
      const records = await organisations.find({ _id: { $in: ids.filter((id) => OBJECT_ID.test(id)) } }).lean<OrganisationRecord[]>();
      return new Map(records.map((record) => [record._id.toHexString(), toOrganisation(record)]));
    },

    async listByKind(kind: string): Promise<Organisation[]> {
      const records = await organisations.find({ kind }).sort({ name: 1 }).lean<OrganisationRecord[]>();
      return records.map(toOrganisation);
    },

    /**
     * The organiser's verification decision. Audited, and the organisation's
     * contact is told by e-mail; the review workflow (licence upload, queue)
     * builds on this.
     */
    async setVerification(actor: Actor | null, orgId: string, decision: VerificationDecision, reason: string, ip?: string): Promise<Organisation> {
      if (!isReviewer(actor)) throw new ForbiddenError();
      const trimmed = reason.trim();
      if (decision === 'rejected' && !trimmed) throw new ValidationError({ reason: ['驳回时请填写原因 / Give a reason for a rejection'] });
      const updated = await organisations
        .findOneAndUpdate(
          { _id: OBJECT_ID.test(orgId) ? orgId : null },
          { $set: { status: decision, verification: { decidedBy: actor.id, decidedAt: new Date(), reason: trimmed } } },
          { returnDocument: 'after', runValidators: true },
        )
        .lean<OrganisationRecord>();
      if (!updated) throw new NotFoundError('没有这个单位 / No such organisation', { id: orgId });
      const organisation = toOrganisation(updated);
      await audit.record({
        actor,
        action: `organisation.${decision}`,
        target: { type: 'organisation', id: organisation.id, label: organisation.name },
        details: { reason: trimmed },
        ip,
      });
      await mail.send({
        to: organisation.contact.email,
        template: 'organisation-decision',
        params: { name: organisation.contact.person, organisation: organisation.name, decision, reason: trimmed },
      });
      await deps.onOrganisationChanged?.(organisation.id);
      return organisation;
    },

    /** For later features: only verified organisations publish and see restricted content. */
    async isVerified(orgId: string): Promise<boolean> {
      return OBJECT_ID.test(orgId) && Boolean(await organisations.exists({ _id: orgId, status: 'verified' }));
    },

    /** The acting person's organisation, provided it is verified; the check before any publishing action. */
    async requireVerified(actor: Actor | null): Promise<Organisation> {
      if (!actor?.organisationId) throw new OrganisationUnverifiedError();
      const organisation = await get(actor.organisationId);
      if (organisation.status !== 'verified') throw new OrganisationUnverifiedError();
      return organisation;
    },

    /**
     * The administrator submits the business licence (营业执照) for review; a
     * rejected organisation resubmits the same way and is pending again.
     */
    async submitLicence(actor: Actor | null, licence: ReceivedUpload, ip?: string): Promise<Organisation> {
      const admin = organisationAdmin(actor);
      const current = await get(admin.organisationId);
      if (current.status === 'verified') throw new ConflictError('organisation_verified', '贵单位已通过认证，无需再提交营业执照 / Your organisation is already verified');
      const file = await files.store({ organisationId: current.id, kind: 'business-licence', uploadedBy: admin.id }, licence);
      const updated = await organisations
        .findOneAndUpdate(
          { _id: current.id, status: { $ne: 'verified' } },
          { $set: { licenceFileId: file.id, licenceSubmittedAt: new Date(), status: 'pending', verification: null } },
          { returnDocument: 'after' },
        )
        .lean<OrganisationRecord>();
      if (!updated) throw new ConflictError('organisation_verified', '贵单位已通过认证，无需再提交营业执照 / Your organisation is already verified');
      await audit.record({
        actor: admin,
        action: 'organisation.licence_submitted',
        target: { type: 'organisation', id: current.id, label: current.name },
        details: { fileId: file.id, sha256: file.sha256, resubmission: current.status === 'rejected' },
        ip,
      });
      return toOrganisation(updated);
    },

    /**
     * The administrator edits the profile. The name and the credit code are
     * what organisers verified against the licence: changing either
     * withdraws the verification and the licence, and the organisation is
     * reviewed again once a licence under the new identity is submitted.
     */
    async updateProfile(actor: Actor | null, input: OrganisationProfileInput, ip?: string): Promise<{ organisation: Organisation; verificationWithdrawn: boolean }> {
      const admin = organisationAdmin(actor);
      await checkReferences(input);
      const current = await get(admin.organisationId);
      const identityChanged = input.name !== current.name || input.creditCode !== current.creditCode;
      if (input.creditCode !== current.creditCode && (await organisations.exists({ creditCode: input.creditCode }))) throw duplicateCreditCode();
      const next = {
        name: input.name,
        creditCode: input.creditCode,
        province: input.province,
        city: input.city,
        industries: [...new Set(input.industries)],
        introduction: input.introduction,
        contact: { person: input.contactPerson, phone: input.contactPhone, email: input.contactEmail },
      };
      const changed = Object.entries(next)
        .filter(([field, value]) => JSON.stringify(value) !== JSON.stringify(current[field as keyof typeof next]))
        .map(([field]) => field);
      let updated: OrganisationRecord | null;
      try {
        updated = await organisations
          .findOneAndUpdate(
            { _id: current.id },
            { $set: { ...next, ...(identityChanged ? { status: 'pending', verification: null, licenceFileId: null, licenceSubmittedAt: null } : {}) } },
            { returnDocument: 'after', runValidators: true },
          )
          .lean<OrganisationRecord>();
      } catch (error) {
        if (isDuplicateKey(error)) throw duplicateCreditCode();
        throw error;
      }
      if (!updated) throw new NotFoundError('没有这个单位 / No such organisation', { id: current.id });
      const verificationWithdrawn = identityChanged && current.status === 'verified';
      await audit.record({
        actor: admin,
        action: 'organisation.profile_updated',
        target: { type: 'organisation', id: current.id, label: updated.name },
        details: { changed, verificationWithdrawn, ...(identityChanged ? { previousName: current.name, previousCreditCode: current.creditCode } : {}) },
        ip,
      });
      await deps.onOrganisationChanged?.(current.id);
      return { organisation: toOrganisation(updated), verificationWithdrawn };
    },

    /** Pending organisations for organisers, those with a licence to look at first (oldest first). */
    async reviewQueue(actor: Actor | null): Promise<Array<{ organisation: Organisation; licence: StoredFile | null }>> {
      if (!isReviewer(actor)) throw new ForbiddenError();
      const records = await organisations.find({ status: 'pending' }).sort({ createdAt: 1 }).lean<OrganisationRecord[]>();
      const pending = records.map(toOrganisation);
      const licences = await files.describe(pending.flatMap((organisation) => (organisation.licenceFileId ? [organisation.licenceFileId] : [])));
      const waiting = (organisation: Organisation) => organisation.licenceSubmittedAt?.getTime() ?? Number.POSITIVE_INFINITY;
      return pending
        .sort((a, b) => waiting(a) - waiting(b))
        .map((organisation) => ({ organisation, licence: organisation.licenceFileId ? (licences.get(organisation.licenceFileId) ?? null) : null }));
    },

    /** The public directory: verified organisations by name. */
    async listVerified(options: { page: number }): Promise<{ organisations: Organisation[]; total: number; page: number; pages: number }> {
      const total = await organisations.countDocuments({ status: 'verified' });
      const pages = Math.max(1, Math.ceil(total / DIRECTORY_PAGE_SIZE));
      const page = Math.min(options.page, pages);
      const records = await organisations
        .find({ status: 'verified' })
        .sort({ name: 1, _id: 1 })
        .skip((page - 1) * DIRECTORY_PAGE_SIZE)
        .limit(DIRECTORY_PAGE_SIZE)
        .lean<OrganisationRecord[]>();
      return { organisations: records.map(toOrganisation), total, page, pages };
    },

    /**
     * An organisation's profile as `actor` may see it: a verified one is
     * public; an unverified one only to its own people and to reviewers, so
     * an unverified organisation publishes nothing.
     */
    async visibleProfile(actor: Actor | null, id: string): Promise<Organisation> {
      const organisation = await get(id);
      if (organisation.status !== 'verified' && actor?.organisationId !== organisation.id && !isReviewer(actor)) {
        throw new NotFoundError('没有这个单位 / No such organisation', { id });
      }
      return organisation;
    },
  };
}

export type OrganisationService = ReturnType<typeof createOrganisationService>;
