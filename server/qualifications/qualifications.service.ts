import type { Actor } from '../core/actor';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../core/errors';
import { addDays, beijingDay, daysBetween } from '../core/time';
import type { AuditService } from '../audit';
import type { FileService, StoredFile } from '../files';
import type { MailService } from '../mail';
import type { Organisation, OrganisationService } from '../organisations';
import { levelSatisfies, qualificationType } from './qualification-catalogue';
import { REMINDER_DAYS, type QualificationModel, type QualificationRecord, type QualificationStatus } from './qualifications.model';
import type { QualificationDecision, QualificationInput, QualificationRequirement } from './qualifications.schemas';

export interface Qualification {
  id: string;
  organisationId: string;
  type: string;
  level: string | null;
  certificateNumber: string;
  issuingAuthority: string;
  issuedOn: string;
  expiresOn: string;
  scanFileId: string;
  status: QualificationStatus;
  decision: QualificationRecord['decision'];
  createdAt: Date;
  updatedAt: Date;
}

function toQualification(record: QualificationRecord): Qualification {
  return {
    id: record._id.toHexString(),
    organisationId: record.organisationId,
    type: record.type,
    level: record.level ?? null,
    certificateNumber: record.certificateNumber,
    issuingAuthority: record.issuingAuthority,
    issuedOn: record.issuedOn,
    expiresOn: record.expiresOn,
    scanFileId: record.scanFileId,
    status: record.status,
    decision: record.decision ?? null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** A qualification as other features read it (capabilities, search documents). */
export interface HeldQualification {
  id: string;
  type: string;
  level: string | null;
  /** The last valid day, `YYYY-MM-DD`. */
  validUntil: string;
  /** An organiser verified it (it may have lapsed since: compare validUntil with the day). */
  verified: boolean;
}

/** With the scan, for the organisation itself and for reviewers; never for the public. */
export interface QualificationWithScan {
  qualification: Qualification;
  scan: StoredFile | null;
}

const OBJECT_ID = /^[a-f0-9]{24}$/;
const SUBSTANTIVE_FIELDS = ['type', 'level', 'certificateNumber', 'issuingAuthority', 'issuedOn', 'expiresOn', 'scanFileId'] as const;

function typeLabel(code: string): string {
  return qualificationType(code)?.zh ?? code;
}

function describe(qualification: Pick<Qualification, 'type' | 'level'>): string {
  const type = qualificationType(qualification.type);
  const level = type?.levels.find((candidate) => candidate.code === qualification.level);
  return level ? `${typeLabel(qualification.type)}（${level.zh}）` : typeLabel(qualification.type);
}

function isReviewer(actor: Actor | null): actor is Actor {
  return actor?.roles.some((role) => role === 'organiser' || role === 'platform-admin') ?? false;
}

function organisationAdmin(actor: Actor | null): Actor & { organisationId: string } {
  if (!actor?.roles.includes('org-admin') || !actor.organisationId) throw new ForbiddenError();
  return actor as Actor & { organisationId: string };
}

/** Dates relative to today that zod cannot check: no certificate from the future, none already lapsed. */
function checkDates(input: Pick<QualificationInput, 'issuedOn' | 'expiresOn'>, today: string): void {
  const errors: Record<string, string[]> = {};
  if (input.issuedOn > today) errors.issuedOn = ['发证日期不能晚于今天 / The issue date cannot be in the future'];
  if (input.expiresOn < today) errors.expiresOn = ['该证书已过有效期，请登记有效的证书 / This certificate has expired; record a valid one'];
  if (Object.keys(errors).length) throw new ValidationError(errors);
}

export interface QualificationServiceDeps {
  qualifications: QualificationModel;
  organisations: OrganisationService;
  files: FileService;
  audit: AuditService;
  mail: MailService;
  /**
   * Called whenever the set of qualifications that count for an organisation
   * may have changed (a decision, an expiry, a verified one edited back to
   * pending), so search documents built from them can be refreshed. It
   * should only enqueue work durably: the change is already saved.
   */
  onQualificationsChanged?: (organisationId: string) => Promise<void> | void;
}

/**
 * Qualifications an organisation holds. Only verified, unexpired ones count
 * anywhere (`effectiveQualifications`, `meets`); everything else is
 * bookkeeping on the way there.
 */
export function createQualificationService(deps: QualificationServiceDeps) {
  const { qualifications, organisations, files, audit, mail } = deps;
  const changed = async (organisationId: string) => {
    await deps.onQualificationsChanged?.(organisationId);
  };

  async function findOwn(admin: Actor & { organisationId: string }, id: string): Promise<QualificationRecord> {
    const record = OBJECT_ID.test(id) ? await qualifications.findOne({ _id: id, organisationId: admin.organisationId }).lean<QualificationRecord>() : null;
    if (!record) throw new NotFoundError('没有这项资质 / No such qualification', { id });
    return record;
  }

  async function withScans(list: Qualification[]): Promise<QualificationWithScan[]> {
    const scans = await files.describe(list.map((qualification) => qualification.scanFileId));
    return list.map((qualification) => ({ qualification, scan: scans.get(qualification.scanFileId) ?? null }));
  }

  async function effective(organisationIds: string[], onDay: Date): Promise<Qualification[]> {
    const records = await qualifications
      .find({ organisationId: { $in: organisationIds }, status: 'verified', expiresOn: { $gte: beijingDay(onDay) } })
      .sort({ type: 1, expiresOn: -1 })
      .lean<QualificationRecord[]>();
    return records.map(toQualification);
  }

  async function expireLapsed(today: string): Promise<number> {
    const lapsed = await qualifications.find({ status: 'verified', expiresOn: { $lt: today } }).lean<QualificationRecord[]>();
    const affected = new Set<string>();
    let expired = 0;
    for (const record of lapsed) {
      const updated = await qualifications
        .findOneAndUpdate({ _id: record._id, status: 'verified', expiresOn: { $lt: today } }, { $set: { status: 'expired' } }, { returnDocument: 'after' })
        .lean<QualificationRecord>();
      if (!updated) continue;
      expired += 1;
      affected.add(updated.organisationId);
      await audit.record({
        actor: null,
        actorLabel: 'system',
        action: 'qualification.expired',
        target: { type: 'qualification', id: updated._id.toHexString(), label: describe(updated) },
        details: { organisationId: updated.organisationId, expiresOn: updated.expiresOn, on: today },
      });
    }
    for (const organisationId of affected) await changed(organisationId);
    return expired;
  }

  /**
   * One e-mail per qualification and run, for the nearest reminder day not
   * yet sent; the days are claimed before sending, so two workers never
   * send the same reminder.
   */
  async function remind(today: string): Promise<number> {
    const horizon = addDays(today, Math.max(...REMINDER_DAYS));
    const soon = await qualifications.find({ status: 'verified', expiresOn: { $gte: today, $lte: horizon } }).lean<QualificationRecord[]>();
    const owners = await organisations.findMany([...new Set(soon.map((record) => record.organisationId))]);
    let sent = 0;
    for (const record of soon) {
      const daysLeft = daysBetween(today, record.expiresOn);
      const due = REMINDER_DAYS.filter((days) => daysLeft <= days && !record.remindersSent.includes(days));
      const organisation = owners.get(record.organisationId);
      if (!due.length || !organisation) continue;
      const claimed = await qualifications.updateOne(
        { _id: record._id, status: 'verified', expiresOn: record.expiresOn, remindersSent: { $nin: due } },
        { $addToSet: { remindersSent: { $each: due } } },
      );
      if (claimed.modifiedCount !== 1) continue;
      await mail.send({
        to: organisation.contact.email,
        template: 'qualification-expiry-reminder',
        params: {
          name: organisation.contact.person,
          organisation: organisation.name,
          qualification: describe(record),
          certificateNumber: record.certificateNumber,
          expiresOn: record.expiresOn,
          daysLeft,
          link: mail.link('/organisation/qualifications'),
        },
      });
      sent += 1;
    }
    return sent;
  }

  return {
    /** The organisation administrator records a qualification with its scan; it waits for an organiser. */
    async record(actor: Actor | null, input: QualificationInput & { scan: NonNullable<QualificationInput['scan']> }, ip?: string): Promise<Qualification> {
      const admin = organisationAdmin(actor);
      checkDates(input, beijingDay(new Date()));
      const organisation = await organisations.get(admin.organisationId);
      const scan = await files.store({ organisationId: organisation.id, kind: 'qualification-scan', uploadedBy: admin.id }, input.scan);
      const record = await qualifications.create({
        organisationId: organisation.id,
        type: input.type,
        level: input.level,
        certificateNumber: input.certificateNumber,
        issuingAuthority: input.issuingAuthority,
        issuedOn: input.issuedOn,
        expiresOn: input.expiresOn,
        scanFileId: scan.id,
        status: 'pending',
        recordedBy: admin.id,
      });
      const qualification = toQualification(record.toObject());
      await audit.record({
        actor: admin,
        action: 'qualification.recorded',
        target: { type: 'qualification', id: qualification.id, label: describe(qualification) },
        details: { organisationId: organisation.id, certificateNumber: qualification.certificateNumber, expiresOn: qualification.expiresOn, scanFileId: scan.id },
        ip,
      });
      return qualification;
    },

    /**
     * Changes a qualification. Every field is what an organiser checked, so
     * any change sends it back to `pending` (a verified one stops counting
     * until it is verified again); a new expiry date restarts the reminders.
     */
    async update(actor: Actor | null, id: string, input: QualificationInput, ip?: string): Promise<Qualification> {
      const admin = organisationAdmin(actor);
      const current = await findOwn(admin, id);
      checkDates(input, beijingDay(new Date()));
      const scanFileId = input.scan
        ? (await files.store({ organisationId: current.organisationId, kind: 'qualification-scan', uploadedBy: admin.id }, input.scan)).id
        : current.scanFileId;
      const next = {
        type: input.type,
        level: input.level,
        certificateNumber: input.certificateNumber,
        issuingAuthority: input.issuingAuthority,
        issuedOn: input.issuedOn,
        expiresOn: input.expiresOn,
        scanFileId,
      };
      const changedFields = SUBSTANTIVE_FIELDS.filter((field) => next[field] !== (current[field] ?? null));
      if (!changedFields.length) return toQualification(current);
      const updated = await qualifications
        .findOneAndUpdate(
          { _id: current._id, updatedAt: current.updatedAt },
          { $set: { ...next, status: 'pending', decision: null, ...(next.expiresOn !== current.expiresOn ? { remindersSent: [] } : {}) } },
          { returnDocument: 'after', runValidators: true },
        )
        .lean<QualificationRecord>();
      if (!updated) throw new ConflictError('qualification_changed', '这项资质刚被修改或审核，请刷新后重试 / This qualification was just changed or reviewed; reload and try again');
      const qualification = toQualification(updated);
      await audit.record({
        actor: admin,
        action: 'qualification.updated',
        target: { type: 'qualification', id: qualification.id, label: describe(qualification) },
        details: { organisationId: qualification.organisationId, changed: changedFields, previousStatus: current.status },
        ip,
      });
      if (current.status === 'verified') await changed(qualification.organisationId);
      return qualification;
    },

    /** The organisation's own qualifications in every status, with their scans. */
    async listOwn(actor: Actor | null): Promise<{ organisation: Organisation; qualifications: QualificationWithScan[] }> {
      if (!actor?.organisationId) throw new ForbiddenError();
      const [organisation, records] = await Promise.all([
        organisations.get(actor.organisationId),
        qualifications.find({ organisationId: actor.organisationId }).sort({ createdAt: -1 }).lean<QualificationRecord[]>(),
      ]);
      return { organisation, qualifications: await withScans(records.map(toQualification)) };
    },

    /** One of the acting administrator's qualifications, for its edit form. */
    async getOwn(actor: Actor | null, id: string): Promise<QualificationWithScan> {
      const [found] = await withScans([toQualification(await findOwn(organisationAdmin(actor), id))]);
      return found!;
    },

    /** Pending qualifications for organisers, oldest first, with their organisations and scans. */
    async reviewQueue(actor: Actor | null): Promise<Array<QualificationWithScan & { organisation: Organisation | null }>> {
      if (!isReviewer(actor)) throw new ForbiddenError();
      const records = await qualifications.find({ status: 'pending' }).sort({ updatedAt: 1 }).lean<QualificationRecord[]>();
      const owners = await organisations.findMany([...new Set(records.map((record) => record.organisationId))]);
      const list = await withScans(records.map(toQualification));
      return list.map((item) => ({ ...item, organisation: owners.get(item.qualification.organisationId) ?? null }));
    },

    /**
     * An organiser verifies a pending qualification, or rejects a pending or
     * verified one (revoking it) with a reason. Audited; the organisation is
     * told by e-mail.
     */
    async decide(actor: Actor | null, id: string, decision: QualificationDecision, reason: string, ip?: string): Promise<Qualification> {
      if (!isReviewer(actor)) throw new ForbiddenError();
      const trimmed = reason.trim();
      if (decision === 'rejected' && !trimmed) throw new ValidationError({ reason: ['驳回时请填写原因 / Give a reason for a rejection'] });
      const current = OBJECT_ID.test(id) ? await qualifications.findById(id).lean<QualificationRecord>() : null;
      if (!current) throw new NotFoundError('没有这项资质 / No such qualification', { id });
      const from: QualificationStatus[] = decision === 'verified' ? ['pending'] : ['pending', 'verified'];
      if (!from.includes(current.status)) {
        throw new ConflictError('qualification_not_reviewable', '这项资质当前状态不能执行该操作 / This qualification cannot be decided in its current status', { status: current.status });
      }
      if (decision === 'verified' && current.expiresOn < beijingDay(new Date())) {
        throw new ConflictError('qualification_lapsed', '该证书已过有效期，不能认证 / The certificate has expired and cannot be verified');
      }
      const updated = await qualifications
        .findOneAndUpdate(
          { _id: current._id, status: current.status, updatedAt: current.updatedAt },
          { $set: { status: decision, decision: { outcome: decision, decidedBy: actor.id, decidedAt: new Date(), reason: trimmed } } },
          { returnDocument: 'after' },
        )
        .lean<QualificationRecord>();
      if (!updated) throw new ConflictError('qualification_changed', '这项资质刚被修改或审核，请刷新后重试 / This qualification was just changed or reviewed; reload and try again');
      const qualification = toQualification(updated);
      const organisation = await organisations.get(qualification.organisationId);
      await audit.record({
        actor,
        action: `qualification.${decision}`,
        target: { type: 'qualification', id: qualification.id, label: describe(qualification) },
        details: { organisationId: organisation.id, organisation: organisation.name, certificateNumber: qualification.certificateNumber, reason: trimmed, previousStatus: current.status },
        ip,
      });
      await mail.send({
        to: organisation.contact.email,
        template: 'qualification-decision',
        params: { name: organisation.contact.person, organisation: organisation.name, qualification: describe(qualification), certificateNumber: qualification.certificateNumber, decision, reason: trimmed },
      });
      await changed(organisation.id);
      return qualification;
    },

    /** The qualifications that count for an organisation on a day: verified, and valid through that (Beijing) day. */
    async effectiveQualifications(organisationId: string, onDay: Date): Promise<Qualification[]> {
      return effective([organisationId], onDay);
    },

    /** Whether the organisation's effective qualifications satisfy every requirement (levels compared by the catalogue). */
    async meets(organisationId: string, requirements: readonly QualificationRequirement[], onDay: Date): Promise<boolean> {
      if (!requirements.length) return true;
      const held = await effective([organisationId], onDay);
      return requirements.every((requirement) =>
        held.some((qualification) => qualification.type === requirement.type && levelSatisfies(requirement.type, qualification.level, requirement.minLevel)),
      );
    },

    /** Every qualification of the organisations except rejected ones, for features that show or index them. */
    async forOrganisations(organisationIds: string[]): Promise<Map<string, HeldQualification[]>> {
      const records = await qualifications
        .find({ organisationId: { $in: organisationIds }, status: { $ne: 'rejected' } })
        .sort({ type: 1, expiresOn: -1 })
        .lean<QualificationRecord[]>();
      const held = new Map<string, HeldQualification[]>(organisationIds.map((id) => [id, []]));
      for (const record of records) {
        held.get(record.organisationId)?.push({
          id: record._id.toHexString(),
          type: record.type,
          level: record.level ?? null,
          validUntil: record.expiresOn,
          verified: record.status === 'verified' || record.status === 'expired',
        });
      }
      return held;
    },

    /** Verified qualifications valid on that (Beijing) day, across all organisations: the home page's counter. */
    async countEffective(onDay: Date): Promise<number> {
      return qualifications.countDocuments({ status: 'verified', expiresOn: { $gte: beijingDay(onDay) } });
    },

    /**
     * The daily run (jobs/job-definitions.ts), with the clock as a parameter:
     * verified qualifications whose last valid day is before `at`'s Beijing
     * day become `expired`; those expiring within 60, 30 or 7 days are
     * reminded about once per threshold.
     */
    async runExpiry(at: Date): Promise<{ expired: number; reminded: number }> {
      const today = beijingDay(at);
      const expired = await expireLapsed(today);
      const reminded = await remind(today);
      return { expired, reminded };
    },
  };
}

export type QualificationService = ReturnType<typeof createQualificationService>;
