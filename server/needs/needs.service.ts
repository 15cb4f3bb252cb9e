import fs from 'node:fs/promises';
import type { Client } from 'typesense';
import type { Actor } from '../core/actor';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../core/errors';
import { beijingDay, formatTime } from '../core/time';
import type { ReceivedUpload, UploadArea } from '../core/upload';
import { qualificationType } from '../qualifications';
import type { AuditService } from '../audit';
import type { Organisation, OrganisationService } from '../organisations';
import type { RegionsService } from '../regions';
import type { ScreenedText, ScreeningFinding, ScreeningService } from '../screening';
import type { TaxonomyService } from '../taxonomy';
import { isSearchUnavailable, type SearchIndexer } from '../../search';
import { buildNeedSearch, toNeedSearchResult, type NeedSearchDocument, type NeedSort } from '../../search/needs';
import { accessTo, belongsTo, isReviewer, type HeldQualification, type NeedAccess, type NeedViewer } from './need-access';
import { watermarkPdf } from './need-watermark';
import type { ClosureReason, NeedModel, NeedRecord, NeedRevisionRecord, NeedStatus } from './needs.model';
import type { NeedInput, ReviewDecision } from './needs.schemas';

export const NEED_COLLECTION = 'needs';

/** Organisation kinds that publish needs. */
export const NEED_PUBLISHER_KINDS = ['military-unit', 'defence-enterprise'] as const;

/** What needs take from the qualifications feature. */
export interface QualificationsReader {
  forOrganisations(organisationIds: string[]): Promise<Map<string, HeldQualification[]>>;
}

export class NeedPublisherKindError extends AppError {
  constructor() {
    super(403, 'organisation_kind_not_allowed', '只有军队单位和军工集团及下属单位可以发布需求 / Only military units and defence enterprises publish needs');
  }
}

/** The part of a need everybody who may find it may read. */
export interface NeedSummary {
  id: string;
  organisationId: string;
  organisation: { name: string; kind: string; province: string };
  kind: string;
  title: string;
  summary: string;
  industries: string[];
  /** Shown in the summary so a supplier knows what it would have to hold. */
  qualificationRequirements: Array<{ type: string; minLevel: string | null }>;
  visibility: NeedRecord['visibility'];
  status: NeedStatus;
  responseDeadline: Date;
  publishedAt: Date | null;
  closure: { reason: ClosureReason; at: Date } | null;
}

export interface NeedAttachment {
  id: string;
  name: string;
  type: string;
  size: number;
  uploadedAt: Date;
}

export interface NeedDetails extends NeedSummary {
  description: string;
  requirements: NeedRecord['requirements'];
  quantity: string;
  /** null when there is none, or the poster hid it from this viewer. */
  budget: { min: number | null; max: number | null } | null;
  delivery: { place: string; time: string };
  contact: { person: string; phone: string; email: string };
  attachments: NeedAttachment[];
}

/** What the need's organisation and the reviewers see besides the details. */
export interface NeedManagement {
  budgetHidden: boolean;
  invitedCreditCodes: string[];
  heldFindings: Array<{ field: string; found: string; rule: string }>;
  reviewComments: string;
  revisions: Array<Omit<NeedRevisionRecord, 'previous'> & { changed: string[] }>;
}

export type NeedView =
  | { access: 'summary'; need: NeedSummary }
  | { access: 'details'; need: NeedDetails; management: NeedManagement | null; canManage: boolean; canReview: boolean };

export interface NeedSearchInput {
  q: string;
  domain?: string;
  industry?: string;
  kind?: string;
  organisationKind?: string;
  province?: string;
  qualification?: string;
  trlMin?: number;
  trlMax?: number;
  sort: NeedSort;
  page: number;
}

export type NeedSearchOutcome =
  | { available: false }
  | {
      available: true;
      found: number;
      page: number;
      perPage: number;
      hits: Array<{ need: NeedSummary; access: Exclude<NeedAccess, 'none'>; snippets: Partial<Record<'title' | 'summary' | 'description', string>> }>;
      facets: Record<string, Array<{ value: string; count: number }>>;
    };

export const SEARCH_PAGE_SIZE = 20;

/** Fields whose previous values an edit keeps in the history. */
const TRACKED_FIELDS = [
  'kind',
  'title',
  'summary',
  'description',
  'industries',
  'requirements',
  'quantity',
  'budget',
  'responseDeadline',
  'delivery',
  'contact',
  'visibility',
  'invitedCreditCodes',
] as const;

const OBJECT_ID = /^[a-f0-9]{24}$/;

/** The response deadline is the end of the chosen day in Beijing. */
export function deadlineOf(day: string): Date {
  return new Date(`${day}T23:59:59.999+08:00`);
}

function toSummary(record: NeedRecord): NeedSummary {
  return {
    id: record._id.toHexString(),
    organisationId: record.organisationId,
    organisation: { ...record.organisation },
    kind: record.kind,
    title: record.title,
    summary: record.summary,
    industries: [...record.industries],
    qualificationRequirements: record.requirements.qualifications.map((requirement) => ({ type: requirement.type, minLevel: requirement.minLevel ?? null })),
    visibility: record.visibility,
    status: record.status,
    responseDeadline: record.responseDeadline,
    publishedAt: record.publishedAt,
    closure: record.closure ? { reason: record.closure.reason, at: record.closure.at } : null,
  };
}

function toDetails(record: NeedRecord, showHiddenBudget: boolean): NeedDetails {
  const hasBudget = record.budget.min !== null || record.budget.max !== null;
  return {
    ...toSummary(record),
    description: record.description,
    requirements: {
      qualifications: record.requirements.qualifications.map((requirement) => ({ type: requirement.type, minLevel: requirement.minLevel ?? null })),
      minTrl: record.requirements.minTrl,
      preferredRegions: [...record.requirements.preferredRegions],
    },
    quantity: record.quantity,
    budget: hasBudget && (!record.budget.hidden || showHiddenBudget) ? { min: record.budget.min, max: record.budget.max } : null,
    delivery: { ...record.delivery },
    contact: { ...record.contact },
    attachments: record.attachments.map((attachment) => ({
      id: attachment._id.toHexString(),
      name: attachment.name,
      type: attachment.type,
      size: attachment.size,
      uploadedAt: attachment.uploadedAt,
    })),
  };
}

function toManagement(record: NeedRecord): NeedManagement {
  return {
    budgetHidden: record.budget.hidden,
    invitedCreditCodes: [...record.invitedCreditCodes],
    heldFindings: record.review.heldFindings.map((finding) => ({ field: finding.field, found: finding.found, rule: finding.rule })),
    reviewComments: record.review.comments,
    revisions: record.revisions.map((revision) => ({
      number: revision.number,
      at: revision.at,
      by: revision.by,
      action: revision.action,
      fromStatus: revision.fromStatus,
      toStatus: revision.toStatus,
      comment: revision.comment,
      changed: Object.keys(revision.previous ?? {}),
    })),
  };
}

function tracked(record: Pick<NeedRecord, (typeof TRACKED_FIELDS)[number]>): Record<string, unknown> {
  return Object.fromEntries(TRACKED_FIELDS.map((field) => [field, JSON.parse(JSON.stringify(record[field]))]));
}

function screenedTexts(input: NeedInput): ScreenedText[] {
  return [
    { field: 'title', text: input.title },
    { field: 'summary', text: input.summary },
    { field: 'description', text: input.description },
    { field: 'quantity', text: input.quantity },
    { field: 'deliveryPlace', text: input.delivery.place },
    { field: 'deliveryTime', text: input.delivery.time },
    { field: 'contactPerson', text: input.contact.person },
  ];
}

export interface NeedsServiceDeps {
  needs: NeedModel;
  organisations: OrganisationService;
  qualifications: QualificationsReader;
  taxonomy: TaxonomyService;
  regions: RegionsService;
  screening: ScreeningService;
  audit: AuditService;
  indexer: SearchIndexer;
  search: Client;
  uploads: UploadArea;
  listingKinds: ReadonlyArray<{ code: string }>;
  /** A need was just published (after submission or review): alerts and strong-match notices follow. */
  onPublished(needId: string): Promise<void>;
}

/**
 * Needs posted by military units and defence enterprises: the lifecycle
 * draft → in review → published → closed, who may move a need along it, the
 * confidentiality screen and review, and who may see what (need-access.ts).
 */
export function createNeedsService(deps: NeedsServiceDeps) {
  const { needs, organisations, qualifications, taxonomy, regions, screening, audit, indexer, search, uploads } = deps;
  const listingKinds = new Set(deps.listingKinds.map((kind) => kind.code));

  async function load(id: string): Promise<NeedRecord> {
    const record = OBJECT_ID.test(id) ? await needs.findById(id).lean<NeedRecord>() : null;
    if (!record) throw new NotFoundError('没有这条需求 / No such need', { id });
    return record;
  }

  /** The acting person's verified organisation, provided its kind posts needs. */
  async function publisher(actor: Actor | null): Promise<{ actor: Actor; organisation: Organisation }> {
    if (!actor?.roles.some((role) => role === 'org-admin' || role === 'org-member')) throw new ForbiddenError();
    const organisation = await organisations.requireVerified(actor);
    if (!(NEED_PUBLISHER_KINDS as readonly string[]).includes(organisation.kind)) throw new NeedPublisherKindError();
    return { actor, organisation };
  }

  /** A need of the actor's own organisation; anybody else is told it does not exist. */
  async function ownNeed(actor: Actor | null, id: string): Promise<{ actor: Actor; organisation: Organisation; record: NeedRecord }> {
    const record = await load(id);
    if (!belongsTo(actor, record)) throw new NotFoundError('没有这条需求 / No such need', { id });
    return { ...(await publisher(actor)), record };
  }

  /** The organisations among the needs' publishers that are verified now. */
  async function verifiedPublishers(records: NeedRecord[]): Promise<Set<string>> {
    const publishers = await organisations.findMany([...new Set(records.map((record) => record.organisationId))]);
    return new Set([...publishers.values()].filter((organisation) => organisation.status === 'verified').map((organisation) => organisation.id));
  }

  async function access(record: NeedRecord, viewer: NeedViewer): Promise<NeedAccess> {
    return accessTo(record, viewer, (await verifiedPublishers([record])).has(record.organisationId));
  }

  async function viewerOf(actor: Actor | null): Promise<NeedViewer> {
    const today = beijingDay(new Date());
    if (!actor) return { actor, reviewer: false, organisation: null, qualifications: [], today };
    let organisation: NeedViewer['organisation'] = null;
    if (actor.organisationId) {
      const found = await organisations.get(actor.organisationId).catch((error: unknown) => {
        if (error instanceof NotFoundError) return null;
        throw error;
      });
      if (found) organisation = { id: found.id, creditCode: found.creditCode, verified: found.status === 'verified' };
    }
    const held = organisation?.verified ? ((await qualifications.forOrganisations([organisation.id])).get(organisation.id) ?? []) : [];
    return { actor, reviewer: isReviewer(actor), organisation, qualifications: held, today };
  }

  async function checkReferences(input: NeedInput): Promise<void> {
    const errors: Record<string, string[]> = {};
    if (!listingKinds.has(input.kind)) errors.kind = ['请选择有效的需求类别 / Choose a valid kind'];
    const leaves = new Set((await taxonomy.listDomains()).flatMap((domain) => domain.leaves.map((leaf) => leaf.code)));
    const unknownLeaves = input.industries.filter((code) => !leaves.has(code));
    if (unknownLeaves.length) errors.industries = [`未知的产业方向 / Unknown industries: ${unknownLeaves.join(', ')}`];
    for (const requirement of input.requirements.qualifications) {
      const type = qualificationType(requirement.type);
      if (!type) {
        (errors.qualifications ??= []).push(`未知的资质 / Unknown qualification: ${requirement.type}`);
      } else if (requirement.minLevel !== null && !type.levels.some((level) => level.code === requirement.minLevel)) {
        errors[`minLevel_${requirement.type}`] = ['请选择有效的等级 / Choose a valid level'];
      }
    }
    const unknownRegions = input.requirements.preferredRegions.filter((code) => !regions.isProvince(code));
    if (unknownRegions.length) errors.preferredRegions = ['请选择有效的省份 / Choose valid provinces'];
    if (deadlineOf(input.responseDeadline).getTime() <= Date.now()) errors.responseDeadline = ['截止日期须晚于今天 / The deadline must be after today'];
    if (Object.keys(errors).length) throw new ValidationError(errors);
  }

  function toFindings(held: ScreeningFinding[]) {
    return held.map((finding) => ({ field: finding.field, found: finding.found, rule: finding.rule }));
  }

  /** Sets fields and the status only if the need is still where the caller found it, and records the step. */
  async function step(
    record: NeedRecord,
    change: { action: string; by: Actor | null; to: NeedStatus; comment?: string; set?: Record<string, unknown>; previous?: Record<string, unknown> },
  ): Promise<NeedRecord> {
    const revision: NeedRevisionRecord = {
      number: record.revisions.length + 1,
      at: new Date(),
      by: change.by?.id ?? null,
      action: change.action,
      fromStatus: record.status,
      toStatus: change.to,
      comment: change.comment ?? '',
      previous: change.previous ?? {},
    };
    const updated = await needs
      .findOneAndUpdate(
        { _id: record._id, status: record.status, updatedAt: record.updatedAt },
        { $set: { ...change.set, status: change.to }, $push: { revisions: revision } },
        { returnDocument: 'after', runValidators: true },
      )
      .lean<NeedRecord>();
    if (!updated) throw new ConflictError('need_changed', '需求刚被其他人修改，请刷新后重试 / The need was changed meanwhile; reload and try again');
    await audit.record({
      actor: change.by,
      actorLabel: change.by ? undefined : 'system',
      action: `need.${change.action}`,
      target: { type: 'need', id: updated._id.toHexString(), label: updated.title },
      details: { from: record.status, to: change.to, ...(change.comment ? { comment: change.comment } : {}) },
    });
    if (record.status === 'published' || change.to === 'published') await indexer.changed(NEED_COLLECTION, [updated._id.toHexString()]);
    if (change.to === 'published' && record.status !== 'published') await deps.onPublished(updated._id.toHexString());
    return updated;
  }

  function requireStatus(record: NeedRecord, allowed: NeedStatus[], message: string): void {
    if (!allowed.includes(record.status)) throw new ConflictError('need_status', message, { status: record.status });
  }

  /** Where a submission goes: military units' needs and held texts wait for review, the rest publish at once. */
  function publicationStep(record: NeedRecord, organisation: Organisation) {
    const review = organisation.kind === 'military-unit' || record.review.heldFindings.length > 0;
    const now = new Date();
    return review
      ? { to: 'in_review' as const, set: { 'review.submittedAt': now, 'review.decidedBy': null, 'review.decidedAt': null } }
      : { to: 'published' as const, set: { publishedAt: record.publishedAt ?? now } };
  }

  function needContent(input: NeedInput, organisation: Organisation) {
    return {
      organisation: { name: organisation.name, kind: organisation.kind, province: organisation.province },
      kind: input.kind,
      title: input.title,
      summary: input.summary,
      description: input.description,
      industries: input.industries,
      requirements: input.requirements,
      quantity: input.quantity,
      budget: input.budget,
      responseDeadline: deadlineOf(input.responseDeadline),
      delivery: input.delivery,
      contact: input.contact,
      visibility: input.visibility,
      invitedCreditCodes: input.visibility === 'invited' ? input.invitedCreditCodes : [],
    };
  }

  return {
    /** The form's starting values for a new need: the organisation's contact. */
    async newNeedDefaults(actor: Actor | null): Promise<{ contactPerson: string; contactPhone: string; contactEmail: string; visibility: string }> {
      const { organisation } = await publisher(actor);
      return { contactPerson: organisation.contact.person, contactPhone: organisation.contact.phone, contactEmail: organisation.contact.email, visibility: 'registered' };
    },

    /** Saves a draft. The screen refuses marked text at once; held terms send the need to review when submitted. */
    async create(actor: Actor | null, input: NeedInput, ip?: string): Promise<{ id: string; held: ScreeningFinding[] }> {
      const { organisation } = await publisher(actor);
      await checkReferences(input);
      const held = await screening.enforce(screenedTexts(input));
      const now = new Date();
      const record = await needs.create({
        ...needContent(input, organisation),
        organisationId: organisation.id,
        createdBy: actor!.id,
        status: 'draft',
        review: { heldFindings: toFindings(held), comments: '', decidedBy: null, decidedAt: null, submittedAt: null },
        declaration: { by: actor!.id, at: now },
        revisions: [{ number: 1, at: now, by: actor!.id, action: 'created', fromStatus: null, toStatus: 'draft', comment: '', previous: {} }],
      });
      const id = record._id.toHexString();
      await audit.record({ actor, action: 'need.created', target: { type: 'need', id, label: input.title }, details: { visibility: input.visibility, held: held.length }, ip });
      return { id, held };
    },

    /**
     * Edits a draft or a published need. A published need that must be
     * reviewed (a military unit's, or one whose new text is held) goes back
     * to review and leaves search until approved.
     */
    async update(actor: Actor | null, id: string, input: NeedInput): Promise<{ status: NeedStatus; held: ScreeningFinding[] }> {
      const { record, organisation } = await ownNeed(actor, id);
      requireStatus(record, ['draft', 'published'], '审查中或已关闭的需求不能修改；请先撤回 / A need in review or closed cannot be edited; withdraw it first');
      await checkReferences(input);
      const held = await screening.enforce(screenedTexts(input));
      const content = needContent(input, organisation);
      const before = tracked(record);
      const after = tracked(content as unknown as NeedRecord);
      const previous = Object.fromEntries(Object.entries(before).filter(([field, value]) => JSON.stringify(value) !== JSON.stringify(after[field])));
      const heldFindings = [...toFindings(held), ...record.review.heldFindings.filter((finding) => finding.field === 'file')];
      let to: NeedStatus = record.status;
      // The form asks for the declaration at every save, so it is renewed with every edit.
      const set: Record<string, unknown> = { ...content, 'review.heldFindings': heldFindings, declaration: { by: actor!.id, at: new Date() } };
      if (record.status === 'published') {
        const next = publicationStep({ ...record, review: { ...record.review, heldFindings } }, organisation);
        to = next.to;
        Object.assign(set, next.set);
      }
      await step(record, { action: 'edited', by: actor, to, set, previous });
      return { status: to, held };
    },

    /** The poster sends a draft on: to review, or straight to publication. */
    async submit(actor: Actor | null, id: string): Promise<NeedStatus> {
      const { actor: poster, organisation, record } = await ownNeed(actor, id);
      requireStatus(record, ['draft'], '只有草稿可以提交 / Only a draft can be submitted');
      if (record.responseDeadline.getTime() <= Date.now()) throw new ValidationError({ responseDeadline: ['截止日期已过，请先修改 / The deadline has passed; edit it first'] });
      const next = publicationStep(record, organisation);
      await step(record, { action: next.to === 'published' ? 'published' : 'submitted', by: poster, to: next.to, set: next.set });
      return next.to;
    },

    /** Takes a need in review or published back to draft (out of search at once). */
    async withdraw(actor: Actor | null, id: string): Promise<void> {
      const { actor: poster, record } = await ownNeed(actor, id);
      requireStatus(record, ['in_review', 'published'], '只有审查中或已发布的需求可以撤回 / Only a need in review or published can be withdrawn');
      await step(record, { action: 'withdrawn', by: poster, to: 'draft' });
    },

    /** The poster closes a published need as fulfilled or cancelled; organisers may take any published need down. */
    async close(actor: Actor | null, id: string, reason: Exclude<ClosureReason, 'expired'>): Promise<void> {
      const record = await load(id);
      if (isReviewer(actor) && !belongsTo(actor, record)) {
        if (reason !== 'cancelled') throw new ForbiddenError('组织者只能以“取消”关闭需求 / Organisers close a need as cancelled only');
      } else {
        await ownNeed(actor, id);
      }
      requireStatus(record, ['published'], '只有已发布的需求可以关闭 / Only a published need can be closed');
      await step(record, { action: `closed-${reason}`, by: actor, to: 'closed', set: { closure: { reason, at: new Date(), by: actor!.id } } });
    },

    /** 保密审查: an organiser approves a need in review for publication or returns it to its poster with comments. */
    async review(actor: Actor | null, id: string, decision: ReviewDecision, ip?: string): Promise<NeedStatus> {
      if (!isReviewer(actor)) throw new ForbiddenError();
      const record = await load(id);
      requireStatus(record, ['in_review'], '这条需求不在审查中 / The need is not in review');
      const now = new Date();
      const set: Record<string, unknown> = { 'review.comments': decision.comments, 'review.decidedBy': actor!.id, 'review.decidedAt': now };
      if (decision.decision === 'approve') {
        if (record.responseDeadline.getTime() <= now.getTime()) throw new ConflictError('deadline_passed', '响应截止日期已过，请退回修改 / The response deadline has passed; return the need for editing');
        set.publishedAt = record.publishedAt ?? now;
        set['review.heldFindings'] = [];
      }
      const to: NeedStatus = decision.decision === 'approve' ? 'published' : 'draft';
      await step(record, { action: decision.decision === 'approve' ? 'review-approved' : 'review-returned', by: actor, to, comment: decision.comments, set });
      await audit.record({
        actor,
        action: `need-review.${decision.decision === 'approve' ? 'approved' : 'returned'}`,
        target: { type: 'need', id, label: record.title },
        details: { comments: decision.comments, heldFindings: record.review.heldFindings.map((finding) => finding.found) },
        ip,
      });
      return to;
    },

    /** The job: closes every published need whose response deadline has passed. */
    async closeExpired(now: Date = new Date()): Promise<{ closed: number }> {
      const due = await needs.find({ status: 'published', responseDeadline: { $lt: now } }).lean<NeedRecord[]>();
      let closed = 0;
      for (const record of due) {
        try {
          await step(record, { action: 'closed-expired', by: null, to: 'closed', set: { closure: { reason: 'expired', at: now, by: null } } });
          closed += 1;
        } catch (error) {
          // Changed by somebody meanwhile: the next run looks at it again.
          if (!(error instanceof ConflictError)) throw error;
        }
      }
      return { closed };
    },

    /**
     * A need as this viewer may see it. Viewing the details of a restricted
     * need is audited; a need the viewer may not find does not exist for them.
     */
    async view(actor: Actor | null, id: string, ip?: string): Promise<NeedView> {
      const record = await load(id);
      const viewer = await viewerOf(actor);
      const seen = await access(record, viewer);
      if (seen === 'none') throw new NotFoundError('没有这条需求 / No such need', { id });
      if (seen === 'summary') return { access: seen, need: toSummary(record) };
      const insider = viewer.reviewer || belongsTo(actor, record);
      if (record.visibility !== 'public') {
        await audit.record({
          actor,
          action: 'need.details-viewed',
          target: { type: 'need', id, label: record.title },
          details: { visibility: record.visibility, organisationId: viewer.organisation?.id ?? null },
          ip,
        });
      }
      return {
        access: seen,
        need: toDetails(record, insider),
        management: insider ? toManagement(record) : null,
        canManage: belongsTo(actor, record),
        canReview: viewer.reviewer && record.status === 'in_review',
      };
    },

    /**
     * A need whose matches the actor may see: its own organisation's people and
     * the reviewers; anybody else is told it does not exist.
     */
    async matchingSubject(actor: Actor | null, id: string): Promise<{ need: NeedDetails; canInvite: boolean }> {
      const record = await load(id);
      const own = belongsTo(actor, record);
      if (!own && !isReviewer(actor)) throw new NotFoundError('没有这条需求 / No such need', { id });
      return { need: toDetails(record, true), canInvite: own && record.status === 'published' };
    },

    /**
     * The published needs among `ids` the actor's organisation may find, in the
     * order given, each with what it may see and the requirements to check
     * eligibility against (never shown beyond the summary's qualifications).
     */
    async findableBy(actor: Actor | null, ids: string[]): Promise<Array<{ need: NeedSummary; access: Exclude<NeedAccess, 'none'>; requirements: NeedRecord['requirements'] }>> {
      const wanted = ids.filter((id) => OBJECT_ID.test(id));
      if (wanted.length === 0) return [];
      const viewer = await viewerOf(actor);
      const loaded = await needs.find({ _id: { $in: wanted }, status: 'published' }).lean<NeedRecord[]>();
      const verified = await verifiedPublishers(loaded);
      const records = new Map(loaded.map((record) => [record._id.toHexString(), record]));
      const found = [];
      for (const id of wanted) {
        const record = records.get(id);
        if (!record) continue;
        const seen = accessTo(record, viewer, verified.has(record.organisationId));
        if (seen === 'none') continue;
        found.push({ need: toSummary(record), access: seen, requirements: record.requirements });
      }
      return found;
    },

    /**
     * The latest published needs every visitor may find (all but invitation-only
     * ones), with only what every finder may read: title and summary.
     */
    async latestPublic(limit: number): Promise<Array<{ id: string; title: string; summary: string; organisationName: string; industries: string[]; publishedAt: Date }>> {
      // A margin for needs of organisations that lost their verification, which are rare.
      const candidates = await needs.find({ status: 'published', visibility: { $ne: 'invited' } }).sort({ publishedAt: -1 }).limit(limit * 2).lean<NeedRecord[]>();
      const verified = await verifiedPublishers(candidates);
      const records = candidates.filter((record) => verified.has(record.organisationId)).slice(0, limit);
      return records.map((record) => ({ id: record._id.toHexString(), title: record.title, summary: record.summary, organisationName: record.organisation.name, industries: record.industries, publishedAt: record.publishedAt ?? record.updatedAt }));
    },

    /** Ids of needs published since `since` that are still open, oldest first (for digests). */
    async publishedSince(since: Date, limit = 500): Promise<string[]> {
      const records = await needs.find({ status: 'published', publishedAt: { $gt: since } }, { _id: 1 }).sort({ publishedAt: 1 }).limit(limit).lean<NeedRecord[]>();
      return records.map((record) => record._id.toHexString());
    },

    /** A published need as the platform itself reads it, for jobs that match it; null once it is no longer published. */
    async publishedForMatching(id: string): Promise<NeedDetails | null> {
      const record = OBJECT_ID.test(id) ? await needs.findOne({ _id: id, status: 'published' }).lean<NeedRecord>() : null;
      return record && (await verifiedPublishers([record])).has(record.organisationId) ? toDetails(record, false) : null;
    },

    /** What a supplier organisation may see of one need (for responses and invitations); `none` when it may not find it. */
    async accessFor(actor: Actor | null, id: string): Promise<{ need: NeedSummary; access: NeedAccess; requirements: NeedRecord['requirements']; ownerOrganisationId: string }> {
      const record = await load(id);
      return { need: toSummary(record), access: await access(record, await viewerOf(actor)), requirements: record.requirements, ownerOrganisationId: record.organisationId };
    },

    /** An organisation's verification changed: its published needs enter or leave search. */
    async organisationChanged(organisationId: string): Promise<void> {
      const records = await needs.find({ organisationId, status: 'published' }, { _id: 1 }).lean<Array<Pick<NeedRecord, '_id'>>>();
      await indexer.changed(NEED_COLLECTION, records.map((record) => record._id.toHexString()));
    },

    /** The form values of a need its organisation is editing. */
    async editable(actor: Actor | null, id: string): Promise<{ need: NeedDetails; management: NeedManagement }> {
      const { record } = await ownNeed(actor, id);
      return { need: toDetails(record, true), management: toManagement(record) };
    },

    async listOwn(actor: Actor | null): Promise<NeedSummary[]> {
      const { organisation } = await publisher(actor);
      const records = await needs.find({ organisationId: organisation.id }).sort({ updatedAt: -1 }).limit(500).lean<NeedRecord[]>();
      return records.map(toSummary);
    },

    async reviewQueue(actor: Actor | null): Promise<Array<NeedSummary & { submittedAt: Date | null; heldFindings: NeedManagement['heldFindings'] }>> {
      if (!isReviewer(actor)) throw new ForbiddenError();
      const records = await needs.find({ status: 'in_review' }).sort({ 'review.submittedAt': 1 }).limit(500).lean<NeedRecord[]>();
      return records.map((record) => ({ ...toSummary(record), submittedAt: record.review.submittedAt, heldFindings: toManagement(record).heldFindings }));
    },

    /** Adds one attachment to a draft; its name passes the same screen as the text. */
    async addAttachment(actor: Actor | null, id: string, upload: ReceivedUpload, ip?: string): Promise<NeedAttachment> {
      const { record } = await ownNeed(actor, id);
      requireStatus(record, ['draft'], '只能给草稿添加附件；请先撤回 / Attachments are added to drafts only; withdraw the need first');
      if (record.attachments.length >= 10) throw new ValidationError({ file: ['最多 10 个附件 / At most 10 attachments'] });
      const held = await screening.enforce([{ field: 'file', text: upload.name }]);
      const storageKey = await uploads.keep(upload);
      const attachment = {
        name: upload.name,
        type: upload.type.code,
        mime: upload.type.mime,
        size: upload.size,
        sha256: upload.sha256,
        storageKey,
        uploadedBy: actor!.id,
        uploadedAt: new Date(),
      };
      const updated = await needs
        .findOneAndUpdate(
          { _id: record._id, status: 'draft' },
          { $push: { attachments: attachment, 'review.heldFindings': { $each: toFindings(held) } } },
          { returnDocument: 'after', runValidators: true },
        )
        .lean<NeedRecord>();
      if (!updated) {
        await uploads.discard(storageKey);
        throw new ConflictError('need_changed', '需求刚被其他人修改，请刷新后重试 / The need was changed meanwhile; reload and try again');
      }
      const stored = updated.attachments[updated.attachments.length - 1]!;
      await audit.record({ actor, action: 'need.attachment-added', target: { type: 'need', id, label: record.title }, details: { name: stored.name, type: stored.type, sha256: stored.sha256 }, ip });
      return { id: stored._id.toHexString(), name: stored.name, type: stored.type, size: stored.size, uploadedAt: stored.uploadedAt };
    },

    async removeAttachment(actor: Actor | null, id: string, attachmentId: string, ip?: string): Promise<void> {
      const { record } = await ownNeed(actor, id);
      requireStatus(record, ['draft'], '只能修改草稿的附件；请先撤回 / Attachments of drafts only; withdraw the need first');
      const attachment = record.attachments.find((candidate) => candidate._id.toHexString() === attachmentId);
      if (!attachment) throw new NotFoundError('没有这个附件 / No such attachment', { id: attachmentId });
      const remaining = record.attachments.filter((candidate) => candidate !== attachment);
      const fileFindings = (await screening.screen(remaining.map((candidate) => ({ field: 'file', text: candidate.name })))).held;
      const heldFindings = [...record.review.heldFindings.filter((finding) => finding.field !== 'file'), ...toFindings(fileFindings)];
      await needs.updateOne({ _id: record._id }, { $pull: { attachments: { _id: attachment._id } }, $set: { 'review.heldFindings': heldFindings } });
      await uploads.discard(attachment.storageKey);
      await audit.record({ actor, action: 'need.attachment-removed', target: { type: 'need', id, label: record.title }, details: { name: attachment.name }, ip });
    },

    /**
     * A download, for viewers who may see the details. Downloads of a
     * restricted need's files are audited, and its PDFs are stamped with the
     * downloading organisation and time; images and Office files are served
     * as uploaded (the audit entry still names who took them).
     */
    async openAttachment(actor: Actor | null, id: string, attachmentId: string, ip?: string): Promise<{ name: string; mime: string; content: Uint8Array }> {
      const record = await load(id);
      const viewer = await viewerOf(actor);
      const attachment = (await access(record, viewer)) === 'details' ? record.attachments.find((candidate) => candidate._id.toHexString() === attachmentId) : undefined;
      if (!attachment) throw new NotFoundError('没有这个附件 / No such attachment', { id: attachmentId });
      const content = await fs.readFile(uploads.pathOf(attachment.storageKey));
      if (record.visibility === 'public') return { name: attachment.name, mime: attachment.mime, content };
      const at = new Date();
      const organisation = viewer.organisation ? await organisations.get(viewer.organisation.id) : null;
      await audit.record({
        actor,
        action: 'need.attachment-downloaded',
        target: { type: 'need', id, label: record.title },
        details: { attachment: attachment.name, sha256: attachment.sha256, organisationId: organisation?.id ?? null, watermarked: attachment.type === 'pdf' },
        ip,
      });
      if (attachment.type !== 'pdf') return { name: attachment.name, mime: attachment.mime, content };
      const stamped = await watermarkPdf(content, {
        organisationName: organisation?.name ?? '融通平台',
        creditCode: organisation?.creditCode ?? `platform user ${actor?.id ?? ''}`,
        at: formatTime(at),
      });
      return { name: attachment.name, mime: attachment.mime, content: stamped };
    },

    /**
     * Full-text search over published needs. Findability is enforced in the
     * engine's filter (so facet counts only count findable needs), and every
     * hit is checked again against MongoDB before it is shown.
     */
    async search(actor: Actor | null, input: NeedSearchInput): Promise<NeedSearchOutcome> {
      const viewer = await viewerOf(actor);
      const params = buildNeedSearch({
        text: input.q,
        viewer: viewer.reviewer
          ? { reviewer: true }
          : { reviewer: false, organisationId: viewer.organisation?.id ?? null, verifiedCreditCode: viewer.organisation?.verified ? viewer.organisation.creditCode : null },
        domain: input.domain,
        industry: input.industry,
        kind: input.kind,
        organisationKind: input.organisationKind,
        province: input.province,
        qualification: input.qualification,
        trlMin: input.trlMin,
        trlMax: input.trlMax,
        sort: input.sort,
        page: input.page,
        perPage: SEARCH_PAGE_SIZE,
      });
      let result;
      try {
        result = toNeedSearchResult(await search.collections<NeedSearchDocument>(NEED_COLLECTION).documents().search(params));
      } catch (error) {
        if (isSearchUnavailable(error)) return { available: false };
        throw error;
      }
      const loaded = await needs.find({ _id: { $in: result.hits.map((hit) => hit.id).filter((id) => OBJECT_ID.test(id)) } }).lean<NeedRecord[]>();
      const verified = await verifiedPublishers(loaded);
      const records = new Map(loaded.map((record) => [record._id.toHexString(), record]));
      const hits: Extract<NeedSearchOutcome, { available: true }>['hits'] = [];
      for (const hit of result.hits) {
        const record = records.get(hit.id);
        if (!record || record.status !== 'published') continue;
        const seen = accessTo(record, viewer, verified.has(record.organisationId));
        if (seen === 'none') continue;
        const snippets = { ...hit.snippets };
        if (seen !== 'details' || record.visibility !== 'public') delete snippets.description;
        hits.push({ need: toSummary(record), access: seen, snippets });
      }
      return { available: true, found: result.found, page: result.page, perPage: SEARCH_PAGE_SIZE, hits, facets: result.facets };
    },
  };
}

export type NeedsService = ReturnType<typeof createNeedsService>;
