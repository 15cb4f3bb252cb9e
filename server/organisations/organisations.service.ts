import { z } from 'zod';
import type { Actor } from '../core/actor';
import { ForbiddenError, NotFoundError, ValidationError } from '../core/errors';
import type { Locale } from '../core/i18n';
import type { AuditService } from '../audit';
import type { MailService } from '../mail';
import type { RegionsService } from '../regions';
import type { TaxonomyService } from '../taxonomy';
import type { OrganisationModel, OrganisationRecord, OrganisationStatus } from './organisations.model';
import type { OrganisationInput, VerificationDecision } from './organisations.schemas';

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
  createdAt: Date;
}

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
    createdAt: record.createdAt,
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
}

export function createOrganisationService(deps: OrganisationServiceDeps) {
  const { organisations, taxonomy, regions, audit, mail } = deps;
  const kinds = kindsSchema.parse(deps.kinds);
  const kindCodes = new Set(kinds.map((kind) => kind.code));

  /** Reference-data checks zod cannot do alone: kinds, regions and industries come from the catalogues. */
  async function checkReferences(input: OrganisationInput): Promise<void> {
    const errors: Record<string, string[]> = {};
    if (!kindCodes.has(input.kind)) errors.kind = ['请选择有效的单位类型 / Choose a valid kind'];
    if (!regions.isProvince(input.province)) errors.province = ['请选择有效的省份 / Choose a valid province'];
    else if (!regions.isValid(input.province, input.city)) errors.city = ['所选城市不属于该省份 / The city is not in that province'];
    const leaves = new Set((await taxonomy.listDomains()).flatMap((domain) => domain.leaves.map((leaf) => leaf.code)));
    const unknown = input.industries.filter((code) => !leaves.has(code));
    if (unknown.length) errors.industries = [`未知的产业方向 / Unknown industries: ${unknown.join(', ')}`];
    if (Object.keys(errors).length) throw new ValidationError(errors);
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
      if (await organisations.exists({ creditCode: input.creditCode })) {
        throw new ValidationError({ creditCode: ['该统一社会信用代码已注册 / This credit code is already registered'] });
      }
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
        if (isDuplicateKey(error)) throw new ValidationError({ creditCode: ['该统一社会信用代码已注册 / This credit code is already registered'] });
        throw error;
      }
    },

    /** Undoes `create` when the registration could not be completed; only a still-pending organisation. */
    async abandonRegistration(id: string): Promise<void> {
      await organisations.deleteOne({ _id: id, status: 'pending', verification: null });
    },

    async get(id: string): Promise<Organisation> {
      const record = OBJECT_ID.test(id) ? await organisations.findById(id).lean<OrganisationRecord>() : null;
      if (!record) throw new NotFoundError('没有这个单位 / No such organisation', { id });
      return toOrganisation(record);
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
      if (!actor?.roles.some((role) => role === 'organiser' || role === 'platform-admin')) throw new ForbiddenError();
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
      return organisation;
    },
  };
}

export type OrganisationService = ReturnType<typeof createOrganisationService>;
