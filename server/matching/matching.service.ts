import type { Client } from 'typesense';
import type { Actor } from '../core/actor';
import { ConflictError, ForbiddenError, NotFoundError, ServiceUnavailableError, ValidationError } from '../core/errors';
import { beijingDay } from '../core/time';
import type { AuditService } from '../audit';
import type { Capability, CapabilityService } from '../capabilities';
import type { InboxService } from '../inbox';
import type { NeedDetails, NeedsService, NeedSummary } from '../needs';
import type { Organisation, OrganisationService } from '../organisations';
import type { HeldQualification } from '../qualifications';
import type { RegionsService } from '../regions';
import type { ScreeningService } from '../screening';
import { isSearchUnavailable } from '../../search';
import { findMatches, findNeedsFor, type MatchResult, type NeedMatchResult } from '../../search/matching';
import { checkEligibility, type Eligibility, type NeedRequirements, type UnmetRequirement } from './eligibility';
import type { ReceivedUpload, UploadArea } from '../core/upload';
import type { ResponseStatus, ResponseThreadModel, ResponseThreadRecord } from './matching.model';
import type { InvitationInput, OutcomeInput, ResponseAction, ResponseInput, TransitionInput } from './matching.schemas';

export interface QualificationsReader {
  forOrganisations(organisationIds: string[]): Promise<Map<string, HeldQualification[]>>;
}

export interface ThreadRef {
  id: string;
  status: ResponseStatus;
}

export interface CapabilityMatch {
  capability: Capability;
  organisation: Organisation;
  result: MatchResult;
  /** Re-checked against the store just now; every requirement with whether it is met. */
  requirements: Array<{ requirement: MatchRequirementView; met: boolean }>;
  thread: ThreadRef | null;
}

/** A requirement as explanations show it. */
export type MatchRequirementView = { kind: 'qualification'; type: string; minLevel: string | null } | { kind: 'trl'; minTrl: number };

export interface CapabilityNearMiss {
  capability: Capability;
  organisation: Organisation;
  result: MatchResult;
  unmet: UnmetRequirement[];
}

export interface NeedMatchesView {
  need: NeedDetails;
  canInvite: boolean;
  available: boolean;
  matches: CapabilityMatch[];
  nearMisses: CapabilityNearMiss[];
  asOf: string;
}

export interface NeedMatch {
  need: NeedSummary;
  access: 'summary' | 'details';
  result: NeedMatchResult;
  thread: ThreadRef | null;
}

export interface CapabilityMatchesView {
  capability: Capability;
  available: boolean;
  matches: NeedMatch[];
  /** Needs it fits but cannot answer, with the qualifications it lacks (the need's summary names them too). */
  nearMisses: Array<NeedMatch & { unmet: UnmetRequirement[] }>;
}

export interface ResponseThread {
  id: string;
  needId: string;
  needTitle: string;
  needOrganisation: { id: string; name: string };
  supplierOrganisation: { id: string; name: string };
  capability: { id: string; title: string } | null;
  status: ResponseStatus;
  proposal: string;
  declineReason: string;
  outcome: { intentSigned: boolean; contractValue: number | null; recordedAt: Date } | null;
  messages: Array<{ id: string; organisationId: string; side: 'owner' | 'supplier'; body: string; at: Date }>;
  attachments: Array<{ id: string; side: 'owner' | 'supplier'; name: string; type: string; size: number; uploadedAt: Date }>;
  history: Array<{ from: ResponseStatus | null; to: ResponseStatus; side: 'owner' | 'supplier'; reason: string; at: Date }>;
  updatedAt: Date;
}

export interface ThreadView {
  thread: ResponseThread;
  side: 'owner' | 'supplier' | 'reviewer';
  actions: ResponseAction[];
  canMessage: boolean;
  canRecordOutcome: boolean;
}

type Side = 'owner' | 'supplier';

/** Who may move a thread from where to where; everything else is refused. */
const TRANSITIONS: Record<ResponseAction, Array<{ side: Side; from: ResponseStatus[]; to: ResponseStatus }>> = {
  shortlist: [{ side: 'owner', from: ['responded'], to: 'shortlisted' }],
  talks: [{ side: 'owner', from: ['shortlisted'], to: 'in_talks' }],
  select: [{ side: 'owner', from: ['shortlisted', 'in_talks'], to: 'selected' }],
  decline: [
    { side: 'owner', from: ['responded', 'shortlisted', 'in_talks'], to: 'declined' },
    { side: 'supplier', from: ['invited'], to: 'declined' },
  ],
  withdraw: [{ side: 'supplier', from: ['responded', 'shortlisted', 'in_talks'], to: 'withdrawn' }],
};

const CLOSED: ResponseStatus[] = ['declined', 'withdrawn'];

/** A near miss is worth telling about when the text fits well or the listing sits in the same industries. */
const NEAR_MISS_MIN_TEXT = 0.3;
const MATCH_LIMIT = 20;
const NEAR_MISS_LIMIT = 5;
/** "Very strong": among the best text fits of the search, and filed under one of the same industries. */
const STRONG_TEXT = 0.6;

function isStrong(match: { result: { parts: { text: number }; industries: { shared: string[] } } }): boolean {
  return match.result.parts.text >= STRONG_TEXT && match.result.industries.shared.length > 0;
}

function isMember(actor: Actor | null): actor is Actor & { organisationId: string } {
  return Boolean(actor?.organisationId && actor.roles.some((role) => role === 'org-admin' || role === 'org-member'));
}

function isReviewer(actor: Actor | null): boolean {
  return Boolean(actor?.roles.some((role) => role === 'organiser' || role === 'platform-admin'));
}

function requirementList(requirements: NeedRequirements): MatchRequirementView[] {
  const list: MatchRequirementView[] = requirements.qualifications.map((q) => ({ kind: 'qualification', type: q.type, minLevel: q.minLevel ?? null }));
  if (requirements.minTrl !== null && requirements.minTrl !== undefined) list.push({ kind: 'trl', minTrl: requirements.minTrl });
  return list;
}

function isUnmet(requirement: MatchRequirementView, unmet: UnmetRequirement[]): boolean {
  return unmet.some((entry) => entry.kind === requirement.kind && (entry.kind === 'trl' || (requirement.kind === 'qualification' && entry.type === requirement.type)));
}

export interface MatchingServiceDeps {
  threads: ResponseThreadModel;
  search: Client;
  needs: NeedsService;
  capabilities: CapabilityService;
  organisations: OrganisationService;
  qualifications: QualificationsReader;
  regions: RegionsService;
  screening: ScreeningService;
  audit: AuditService;
  inbox: InboxService;
  uploads: UploadArea;
}

/** Enough for a proposal and its annexes; more belongs in a meeting. */
const MAX_ATTACHMENTS = 10;

export function createMatchingService(deps: MatchingServiceDeps) {
  const { threads, search, needs, capabilities, organisations, qualifications, regions, screening, audit, inbox, uploads } = deps;

  /** Province codes of a need's preferred regions as the capability index names them (`湖北省`). */
  function provinceNames(codes: string[]): string[] {
    const byCode = new Map(regions.provinces().map((province) => [province.code, province.zh]));
    return codes.map((code) => byCode.get(code) ?? code);
  }

  /**
   * The store's word on whether capabilities may be offered for a need today:
   * published, of a verified organisation, meeting every hard requirement.
   */
  function eligibilityChecker(requirements: NeedRequirements, asOf: string) {
    const capabilityCache = new Map<string, Capability | null>();
    const organisationCache = new Map<string, { organisation: Organisation; held: HeldQualification[] } | null>();
    /** Reads what is not known yet of these capabilities and their organisations: three queries however many there are. */
    async function load(capabilityIds: string[]): Promise<void> {
      const unknown = [...new Set(capabilityIds.filter((id) => !capabilityCache.has(id)))];
      if (unknown.length) {
        const found = await capabilities.publishedMany(unknown);
        for (const id of unknown) capabilityCache.set(id, found.get(id) ?? null);
      }
      const owners = [...new Set(capabilityIds.map((id) => capabilityCache.get(id)?.organisationId).filter((id): id is string => id !== undefined && !organisationCache.has(id)))];
      if (owners.length) {
        const [found, held] = await Promise.all([organisations.findMany(owners), qualifications.forOrganisations(owners)]);
        for (const id of owners) {
          const organisation = found.get(id);
          organisationCache.set(id, organisation && organisation.status === 'verified' ? { organisation, held: held.get(id) ?? [] } : null);
        }
      }
    }
    async function checkMany(capabilityIds: string[]): Promise<Array<{ eligibility: Eligibility; capability: Capability | null; organisation: Organisation | null }>> {
      await load(capabilityIds);
      return capabilityIds.map((capabilityId) => {
        const capability = capabilityCache.get(capabilityId)!;
        const owner = capability ? organisationCache.get(capability.organisationId)! : null;
        if (!capability || !owner) return { eligibility: { eligible: false, unmet: [] }, capability, organisation: null };
        return { eligibility: checkEligibility(requirements, owner.held, capability.trl, asOf), capability, organisation: owner.organisation };
      });
    }
    return checkMany;
  }

  async function threadsOf(filter: Record<string, unknown>): Promise<Map<string, ThreadRef>> {
    const records = await threads.find(filter, { needId: 1, supplierOrganisationId: 1, status: 1 }).lean<ResponseThreadRecord[]>();
    return new Map(records.map((record) => [`${record.needId}:${record.supplierOrganisationId}`, { id: record._id.toHexString(), status: record.status }]));
  }

  async function loadThread(id: string): Promise<ResponseThreadRecord> {
    const record = /^[a-f0-9]{24}$/.test(id) ? await threads.findById(id).lean<ResponseThreadRecord>() : null;
    if (!record) throw new NotFoundError('没有这条对接记录 / No such response', { id });
    return record;
  }

  function sideOf(actor: Actor | null, record: ResponseThreadRecord): Side | null {
    if (!isMember(actor)) return null;
    if (actor.organisationId === record.needOrganisationId) return 'owner';
    if (actor.organisationId === record.supplierOrganisationId) return 'supplier';
    return null;
  }

  async function present(record: ResponseThreadRecord): Promise<ResponseThread> {
    const names = await organisations.findMany([record.needOrganisationId, record.supplierOrganisationId]);
    const capability = record.capabilityId ? (await capabilities.publishedMany([record.capabilityId])).get(record.capabilityId) : undefined;
    const sideOfOrganisation = (organisationId: string): Side => (organisationId === record.needOrganisationId ? 'owner' : 'supplier');
    return {
      id: record._id.toHexString(),
      needId: record.needId,
      needTitle: record.needTitle,
      needOrganisation: { id: record.needOrganisationId, name: names.get(record.needOrganisationId)?.name ?? '' },
      supplierOrganisation: { id: record.supplierOrganisationId, name: names.get(record.supplierOrganisationId)?.name ?? '' },
      capability: capability ? { id: capability.id, title: capability.title } : null,
      status: record.status,
      proposal: record.proposal,
      declineReason: record.declineReason,
      outcome: record.outcome ? { intentSigned: record.outcome.intentSigned, contractValue: record.outcome.contractValue, recordedAt: record.outcome.recordedAt } : null,
      messages: record.messages.map((message) => ({ id: message._id.toHexString(), organisationId: message.organisationId, side: sideOfOrganisation(message.organisationId), body: message.body, at: message.at })),
      attachments: (record.attachments ?? []).map((file) => ({ id: file._id.toHexString(), side: sideOfOrganisation(file.organisationId), name: file.name, type: file.type, size: file.size, uploadedAt: file.uploadedAt })),
      history: record.history.map((step) => ({ from: step.from, to: step.to, side: sideOfOrganisation(step.organisationId), reason: step.reason, at: step.at })),
      updatedAt: record.updatedAt,
    };
  }

  /** Tells the other side of a thread what happened; only the title the other side already knows goes in. */
  async function tell(record: ResponseThreadRecord, to: Side, topic: string, title: string, body = ''): Promise<void> {
    await inbox.notify(to === 'owner' ? record.needOrganisationId : record.supplierOrganisationId, { topic, title, body, link: `/responses/${record._id.toHexString()}` });
  }

  async function screenText(field: string, text: string): Promise<void> {
    const held = await screening.enforce([{ field, text }]);
    if (held.length) {
      const fieldErrors: Record<string, string[]> = {};
      for (const finding of held) (fieldErrors[finding.field] ??= []).push(`含有敏感词“${finding.found}”（规则：${finding.rule}），请删除后再提交 / Contains the sensitive term “${finding.found}” (rule: ${finding.rule}); remove it and submit again`);
      throw new ValidationError(fieldErrors, '提交内容未通过保密检查 / The submission did not pass the confidentiality screen');
    }
  }

  /** The supplier's own published capability, when one is named. */
  async function supplierCapability(organisationId: string, capabilityId: string | undefined): Promise<Capability | null> {
    if (!capabilityId) return null;
    const capability = (await capabilities.publishedMany([capabilityId])).get(capabilityId);
    if (!capability || capability.organisationId !== organisationId) throw new ValidationError({ capabilityId: ['请选择该单位已发布的能力 / Choose a published capability of that organisation'] });
    return capability;
  }

  /** Acting as one of an organisation's people, for checks made on its behalf (never stored as an actor). */
  function asMemberOf(organisationId: string): Actor {
    return { id: `organisation:${organisationId}`, roles: ['org-member'], organisationId };
  }

  /** Typesense ranks the capabilities for a need; the store has the last word on eligibility. */
  async function rankCapabilities(need: NeedDetails): Promise<Omit<NeedMatchesView, 'need' | 'canInvite'>> {
    const asOf = beijingDay(new Date());
    const requirements: NeedRequirements = {
      qualifications: need.requirements.qualifications,
      minTrl: need.requirements.minTrl,
      preferredRegions: provinceNames(need.requirements.preferredRegions),
    };
    const checkMany = eligibilityChecker(requirements, asOf);
    const subject = { id: need.id, title: need.title, summary: need.summary, description: need.description, keywords: [], industries: need.industries, requirements };
    let outcome;
    try {
      outcome = await findMatches(search, subject, {
        asOf,
        limit: MATCH_LIMIT,
        nearMissLimit: NEAR_MISS_LIMIT * 2,
        recheck: async (capabilityIds) => (await checkMany(capabilityIds)).map((checked) => checked.eligibility),
      });
    } catch (error) {
      if (isSearchUnavailable(error)) return { available: false, matches: [], nearMisses: [], asOf };
      throw error;
    }
    const existing = await threadsOf({ needId: need.id });
    const matches: CapabilityMatch[] = [];
    const checked = await checkMany(outcome.matches.map((result) => result.capabilityId));
    for (const [i, result] of outcome.matches.entries()) {
      const { capability, organisation, eligibility } = checked[i]!;
      if (!capability || !organisation || !eligibility.eligible) continue;
      matches.push({
        capability,
        organisation,
        result,
        requirements: requirementList(requirements).map((requirement) => ({ requirement, met: !isUnmet(requirement, eligibility.unmet) })),
        thread: existing.get(`${need.id}:${organisation.id}`) ?? null,
      });
    }
    const nearMisses: CapabilityNearMiss[] = [];
    const missed = await checkMany(outcome.nearMisses.map((result) => result.capabilityId));
    for (const [i, result] of outcome.nearMisses.entries()) {
      if (nearMisses.length >= NEAR_MISS_LIMIT) break;
      const { capability, organisation, eligibility } = missed[i]!;
      if (!capability || !organisation || eligibility.eligible || eligibility.unmet.length === 0) continue;
      nearMisses.push({ capability, organisation, result, unmet: eligibility.unmet });
    }
    return { available: true, matches, nearMisses, asOf };
  }

  /** The needs an organisation may find that its capability could answer, ranked, each checked for eligibility. */
  async function rankNeeds(capability: Capability, organisation: Organisation): Promise<Omit<CapabilityMatchesView, 'capability'>> {
    const viewer = { reviewer: false as const, organisationId: organisation.id, verifiedCreditCode: organisation.status === 'verified' ? organisation.creditCode : null };
    let ranked: NeedMatchResult[];
    try {
      ranked = await findNeedsFor(search, capability, viewer);
    } catch (error) {
      if (isSearchUnavailable(error)) return { available: false, matches: [], nearMisses: [] };
      throw error;
    }
    const byId = new Map(ranked.map((result) => [result.needId, result]));
    const findable = await needs.findableBy(asMemberOf(organisation.id), ranked.slice(0, 100).map((result) => result.needId));
    const held = (await qualifications.forOrganisations([organisation.id])).get(organisation.id) ?? [];
    const asOf = beijingDay(new Date());
    const existing = await threadsOf({ supplierOrganisationId: organisation.id });
    const matches: NeedMatch[] = [];
    const nearMisses: CapabilityMatchesView['nearMisses'] = [];
    for (const found of findable) {
      if (found.need.organisationId === organisation.id) continue;
      const result = byId.get(found.need.id)!;
      const eligibility = checkEligibility({ qualifications: found.requirements.qualifications, minTrl: found.requirements.minTrl }, held, capability.trl, asOf);
      const entry = { need: found.need, access: found.access, result, thread: existing.get(`${found.need.id}:${organisation.id}`) ?? null };
      if (eligibility.eligible) {
        if (matches.length < MATCH_LIMIT) matches.push(entry);
      } else if (nearMisses.length < NEAR_MISS_LIMIT && (result.parts.text >= NEAR_MISS_MIN_TEXT || result.industries.shared.length > 0)) {
        // Only the qualifications the need's summary already names; never anything from its details.
        const unmet = eligibility.unmet.filter((entry) => entry.kind === 'qualification');
        if (unmet.length) nearMisses.push({ ...entry, unmet });
      }
    }
    return { available: true, matches, nearMisses };
  }

  return {
    /**
     * The capabilities that may be offered for a need, best first, with the
     * reasons; for the need's own people also the strong fits a hard
     * requirement keeps out.
     */
    async matchesForNeed(actor: Actor | null, needId: string): Promise<NeedMatchesView> {
      const { need, canInvite } = await needs.matchingSubject(actor, needId);
      return { need, canInvite, ...(await rankCapabilities(need)) };
    },

    /**
     * The open needs a capability could answer, for its own organisation:
     * only needs that organisation may find, ranked the same way, eligibility
     * checked against its qualifications in the store.
     */
    async matchesForCapability(actor: Actor | null, capabilityId: string): Promise<CapabilityMatchesView> {
      const detail = await capabilities.view(actor, capabilityId);
      if (!detail.mayEdit || !isMember(actor)) throw new NotFoundError('没有这个能力 / No such capability', { id: capabilityId });
      return { capability: detail.capability, ...(await rankNeeds(detail.capability, detail.organisation)) };
    },

    /**
     * The eligible capabilities that fit a newly published need very well,
     * by supplier, keeping only suppliers that may find the need.
     */
    async strongMatchesForNeed(needId: string): Promise<{ need: NeedSummary; suppliers: Array<{ organisationId: string; capability: Capability }> } | null> {
      const need = await needs.publishedForMatching(needId);
      if (!need) return null;
      const { available, matches } = await rankCapabilities(need);
      if (!available) throw new ServiceUnavailableError('search_unavailable', '搜索服务暂时不可用 / Search is unavailable');
      const suppliers = new Map<string, Capability>();
      for (const match of matches.filter(isStrong)) {
        if (suppliers.has(match.organisation.id) || match.organisation.id === need.organisationId) continue;
        const { access } = await needs.accessFor(asMemberOf(match.organisation.id), needId);
        if (access !== 'none') suppliers.set(match.organisation.id, match.capability);
      }
      return { need, suppliers: [...suppliers].map(([organisationId, capability]) => ({ organisationId, capability })) };
    },

    /** The open needs a newly published capability fits very well and its organisation could answer. */
    async strongMatchesForCapability(capabilityId: string): Promise<{ capability: Capability; needs: NeedSummary[] } | null> {
      const capability = (await capabilities.publishedMany([capabilityId])).get(capabilityId);
      if (!capability) return null;
      const organisation = (await organisations.findMany([capability.organisationId])).get(capability.organisationId);
      if (!organisation || organisation.status !== 'verified') return null;
      const { available, matches } = await rankNeeds(capability, organisation);
      if (!available) throw new ServiceUnavailableError('search_unavailable', '搜索服务暂时不可用 / Search is unavailable');
      return { capability, needs: matches.filter(isStrong).map((match) => match.need) };
    },

    /** The need's owner asks a supplier to respond; the supplier must be able to find the need. */
    async invite(actor: Actor | null, needId: string, input: InvitationInput, ip?: string): Promise<ThreadRef> {
      const { need, canInvite } = await needs.matchingSubject(actor, needId);
      if (!canInvite || !isMember(actor)) throw new ForbiddenError('只有需求发布单位可以邀请响应已发布的需求 / Only the need’s organisation invites responses to a published need');
      const supplier = (await organisations.findMany([input.supplierOrganisationId])).get(input.supplierOrganisationId);
      if (!supplier || supplier.status !== 'verified' || supplier.id === need.organisationId) throw new ValidationError({ supplierOrganisationId: ['只能邀请已认证的其他单位 / Invite a verified organisation other than your own'] });
      // Seen as one of the supplier's people would see it: an invitation never reveals a need they may not find.
      const { access } = await needs.accessFor(asMemberOf(supplier.id), needId);
      if (access === 'none') throw new ValidationError({ supplierOrganisationId: ['该单位无权查看此需求，请先将其加入受邀单位 / That organisation may not see this need; add it to the invited organisations first'] });
      const capability = await supplierCapability(supplier.id, input.capabilityId);
      const now = new Date();
      let record;
      try {
        record = await threads.create({
          needId: need.id,
          needTitle: need.title,
          needOrganisationId: need.organisationId,
          supplierOrganisationId: supplier.id,
          capabilityId: capability?.id ?? null,
          status: 'invited',
          history: [{ from: null, to: 'invited', by: actor.id, organisationId: actor.organisationId, reason: '', at: now }],
        });
      } catch (error) {
        if ((error as { code?: number }).code === 11000) throw new ConflictError('response_exists', '已与该单位就此需求建立对接 / There is already a response thread with that organisation for this need');
        throw error;
      }
      const thread = record.toObject() as ResponseThreadRecord;
      await audit.record({ actor, action: 'response.invited', target: { type: 'need', id: need.id, label: need.title }, details: { supplierOrganisationId: supplier.id, threadId: thread._id.toHexString() }, ip });
      await tell(thread, 'supplier', 'response.invited', `邀请您响应需求：${need.title} / You are invited to respond to: ${need.title}`);
      // An unanswered invitation counts in the supplier's responsiveness, which ranking reads from the index.
      await capabilities.organisationChanged(supplier.id);
      return { id: thread._id.toHexString(), status: thread.status };
    },

    /** A supplier answers a need it may read in full and is qualified for, invited or not. */
    async respond(actor: Actor | null, needId: string, input: ResponseInput, ip?: string): Promise<ThreadRef> {
      if (!isMember(actor)) throw new ForbiddenError();
      const organisation = await organisations.requireVerified(actor);
      const { need, access, requirements, ownerOrganisationId } = await needs.accessFor(actor, needId);
      if (access === 'none') throw new NotFoundError('没有这条需求 / No such need', { id: needId });
      if (ownerOrganisationId === organisation.id) throw new ValidationError({ _: ['不能响应本单位的需求 / You cannot respond to your own need'] });
      if (need.status !== 'published') throw new ValidationError({ _: ['该需求已不再接受响应 / The need no longer takes responses'] });
      if (access !== 'details') throw new ForbiddenError('贵单位不满足该需求的资质要求，不能响应 / Your organisation does not meet the need’s qualification requirements');
      const capability = await supplierCapability(organisation.id, input.capabilityId);
      const held = (await qualifications.forOrganisations([organisation.id])).get(organisation.id) ?? [];
      const eligibility = checkEligibility(
        { qualifications: requirements.qualifications, minTrl: capability ? requirements.minTrl : null },
        held,
        capability?.trl ?? null,
        beijingDay(new Date()),
      );
      if (!eligibility.eligible) {
        throw new ValidationError({ _: ['贵单位（或所选能力）不满足该需求的硬性要求 / Your organisation (or the chosen capability) does not meet the need’s hard requirements'] });
      }
      await screenText('proposal', input.proposal);
      const now = new Date();
      const step = { by: actor.id, organisationId: organisation.id, reason: '', at: now, to: 'responded' as const };
      const updated = await threads
        .findOneAndUpdate(
          { needId: need.id, supplierOrganisationId: organisation.id, status: 'invited' },
          { $set: { status: 'responded', proposal: input.proposal, capabilityId: capability?.id ?? null }, $push: { history: { ...step, from: 'invited' } } },
          { returnDocument: 'after' },
        )
        .lean<ResponseThreadRecord>();
      let thread = updated;
      if (!thread) {
        try {
          thread = (
            await threads.create({
              needId: need.id,
              needTitle: need.title,
              needOrganisationId: ownerOrganisationId,
              supplierOrganisationId: organisation.id,
              capabilityId: capability?.id ?? null,
              status: 'responded',
              proposal: input.proposal,
              history: [{ ...step, from: null }],
            })
          ).toObject() as ResponseThreadRecord;
        } catch (error) {
          if ((error as { code?: number }).code === 11000) throw new ConflictError('response_exists', '贵单位已响应过此需求 / Your organisation has already responded to this need');
          throw error;
        }
      }
      await audit.record({ actor, action: 'response.responded', target: { type: 'need', id: need.id, label: need.title }, details: { threadId: thread._id.toHexString(), capabilityId: capability?.id ?? null }, ip });
      await tell(thread, 'owner', 'response.responded', `${organisation.name} 响应了需求：${need.title} / ${organisation.name} responded to: ${need.title}`);
      if (updated) await capabilities.organisationChanged(organisation.id);
      return { id: thread._id.toHexString(), status: thread.status };
    },

    /** Moves a thread along; the status it was in is part of the update, so two clicks never both win. */
    async transition(actor: Actor | null, threadId: string, input: TransitionInput, ip?: string): Promise<ThreadRef> {
      const record = await loadThread(threadId);
      const side = sideOf(actor, record);
      if (!side) throw new NotFoundError('没有这条对接记录 / No such response', { id: threadId });
      const rule = TRANSITIONS[input.action].find((candidate) => candidate.side === side && candidate.from.includes(record.status));
      if (!rule) throw new ConflictError('response_transition_refused', '当前状态下不能进行此操作 / This step is not possible in the current status', { status: record.status, action: input.action });
      const now = new Date();
      const updated = await threads
        .findOneAndUpdate(
          { _id: record._id, status: record.status },
          {
            $set: { status: rule.to, ...(rule.to === 'declined' ? { declineReason: input.reason } : {}) },
            $push: { history: { from: record.status, to: rule.to, by: actor!.id, organisationId: actor!.organisationId!, reason: input.reason, at: now } },
          },
          { returnDocument: 'after' },
        )
        .lean<ResponseThreadRecord>();
      if (!updated) throw new ConflictError('response_changed', '对接状态已被更新，请刷新后重试 / The response changed meanwhile; reload and try again');
      await audit.record({ actor, action: `response.${rule.to}`, target: { type: 'response', id: threadId, label: record.needTitle }, details: { from: record.status, reason: input.reason || undefined }, ip });
      if (side === 'supplier' && record.status === 'invited') await capabilities.organisationChanged(record.supplierOrganisationId);
      await tell(updated, side === 'owner' ? 'supplier' : 'owner', `response.${rule.to}`, `对接状态更新：${record.needTitle} / Response updated: ${record.needTitle}`, `${rule.to}${input.reason ? ` · ${input.reason}` : ''}`);
      return { id: threadId, status: updated.status };
    },

    async postMessage(actor: Actor | null, threadId: string, body: string): Promise<void> {
      const record = await loadThread(threadId);
      const side = sideOf(actor, record);
      if (!side) throw new NotFoundError('没有这条对接记录 / No such response', { id: threadId });
      if (CLOSED.includes(record.status)) throw new ConflictError('response_closed', '对接已结束，不能再留言 / The response is closed to messages');
      await screenText('body', body);
      await threads.updateOne({ _id: record._id }, { $push: { messages: { organisationId: actor!.organisationId!, by: actor!.id, body, at: new Date() } } });
      await tell(record, side === 'owner' ? 'supplier' : 'owner', 'response.message', `新留言：${record.needTitle} / New message: ${record.needTitle}`);
    },

    /** A document for the thread (a proposal's annex, a drawing the owner shares); screened by name, audited. */
    async addAttachment(actor: Actor | null, threadId: string, upload: ReceivedUpload, ip?: string): Promise<void> {
      const record = await loadThread(threadId);
      const side = sideOf(actor, record);
      if (!side) throw new NotFoundError('没有这条对接记录 / No such response', { id: threadId });
      if (CLOSED.includes(record.status)) throw new ConflictError('response_closed', '对接已结束，不能再上传附件 / The response is closed');
      if ((record.attachments ?? []).length >= MAX_ATTACHMENTS) throw new ValidationError({ file: [`最多 ${MAX_ATTACHMENTS} 个附件 / At most ${MAX_ATTACHMENTS} attachments`] });
      await screenText('file', upload.name);
      const storageKey = await uploads.keep(upload);
      const updated = await threads.updateOne(
        { _id: record._id, [`attachments.${MAX_ATTACHMENTS - 1}`]: { $exists: false } },
        {
          $push: {
            attachments: { organisationId: actor!.organisationId!, name: upload.name, type: upload.type.code, mime: upload.type.mime, size: upload.size, sha256: upload.sha256, storageKey, uploadedBy: actor!.id, uploadedAt: new Date() },
          },
        },
      );
      if (updated.modifiedCount !== 1) {
        await uploads.discard(storageKey);
        throw new ValidationError({ file: [`最多 ${MAX_ATTACHMENTS} 个附件 / At most ${MAX_ATTACHMENTS} attachments`] });
      }
      await audit.record({ actor, action: 'response.attachment-added', target: { type: 'response', id: threadId, label: record.needTitle }, details: { name: upload.name, sha256: upload.sha256 }, ip });
      await tell(record, side === 'owner' ? 'supplier' : 'owner', 'response.attachment', `新附件：${record.needTitle} / New attachment: ${record.needTitle}`, upload.name);
    },

    /** A thread's document for its two sides and the reviewers only; every download is audited. */
    async openAttachment(actor: Actor | null, threadId: string, fileId: string, ip?: string): Promise<{ name: string; mime: string; path: string }> {
      const record = await loadThread(threadId);
      const file = sideOf(actor, record) || isReviewer(actor) ? (record.attachments ?? []).find((candidate) => candidate._id.toHexString() === fileId) : undefined;
      if (!file) throw new NotFoundError('没有这个文件 / No such file', { id: fileId });
      await audit.record({ actor, action: 'response.attachment-downloaded', target: { type: 'response', id: threadId, label: record.needTitle }, details: { name: file.name, sha256: file.sha256 }, ip });
      return { name: file.name, mime: file.mime, path: uploads.pathOf(file.storageKey) };
    },

    /** The owner records what came of a selection: a letter of intent, optionally the contract value. */
    async recordOutcome(actor: Actor | null, threadId: string, input: OutcomeInput, ip?: string): Promise<void> {
      const record = await loadThread(threadId);
      if (sideOf(actor, record) !== 'owner') throw new NotFoundError('没有这条对接记录 / No such response', { id: threadId });
      if (record.status !== 'selected') throw new ConflictError('response_not_selected', '只有已选定的对接可以登记结果 / Record an outcome for a selected supplier only');
      const outcome = { intentSigned: input.intentSigned, contractValue: input.contractValue, recordedBy: actor!.id, recordedAt: new Date() };
      await threads.updateOne({ _id: record._id, status: 'selected' }, { $set: { outcome } });
      await audit.record({ actor, action: 'response.outcome', target: { type: 'response', id: threadId, label: record.needTitle }, details: { intentSigned: input.intentSigned, contractValue: input.contractValue }, ip });
      await tell(record, 'supplier', 'response.outcome', `对接结果已登记：${record.needTitle} / Outcome recorded: ${record.needTitle}`);
    },

    /** A thread for its two sides, and for organisers and platform admins who oversee the platform. */
    async viewThread(actor: Actor | null, threadId: string): Promise<ThreadView> {
      const record = await loadThread(threadId);
      const side = sideOf(actor, record);
      if (!side && !isReviewer(actor)) throw new NotFoundError('没有这条对接记录 / No such response', { id: threadId });
      const actions = side
        ? (Object.keys(TRANSITIONS) as ResponseAction[]).filter((action) => TRANSITIONS[action].some((rule) => rule.side === side && rule.from.includes(record.status)))
        : [];
      return {
        thread: await present(record),
        side: side ?? 'reviewer',
        actions,
        canMessage: Boolean(side) && !CLOSED.includes(record.status),
        canRecordOutcome: side === 'owner' && record.status === 'selected',
      };
    },

    /** Every thread of the actor's organisation, on either side, latest change first. */
    async listThreads(actor: Actor | null): Promise<Array<ResponseThread & { side: Side }>> {
      if (!isMember(actor)) throw new ForbiddenError();
      const records = await threads
        .find({ $or: [{ needOrganisationId: actor.organisationId }, { supplierOrganisationId: actor.organisationId }] })
        .sort({ updatedAt: -1 })
        .limit(500)
        .lean<ResponseThreadRecord[]>();
      const out = [];
      for (const record of records) out.push({ ...(await present(record)), side: sideOf(actor, record)! });
      return out;
    },

    /**
     * How reliably each organisation answers invitations: the percentage of
     * the invitations it received that it responded to or declined. Null for
     * an organisation never invited, which is neither rewarded nor penalised.
     */
    async responsiveness(organisationIds: string[]): Promise<Map<string, number | null>> {
      const records = await threads
        .find({ supplierOrganisationId: { $in: organisationIds }, 'history.0.to': 'invited' }, { supplierOrganisationId: 1, status: 1, history: 1 })
        .lean<ResponseThreadRecord[]>();
      const tally = new Map<string, { invited: number; answered: number }>();
      for (const record of records) {
        const entry = tally.get(record.supplierOrganisationId) ?? { invited: 0, answered: 0 };
        entry.invited += 1;
        if (record.history.some((step) => step.from === 'invited' && step.organisationId === record.supplierOrganisationId)) entry.answered += 1;
        tally.set(record.supplierOrganisationId, entry);
      }
      return new Map(organisationIds.map((id) => {
        const entry = tally.get(id);
        return [id, entry ? Math.round((100 * entry.answered) / entry.invited) : null];
      }));
    },

    /** The supplier's published capabilities, to name one in a response. */
    async responseContext(actor: Actor | null, needId: string): Promise<{ need: NeedSummary; capabilities: Capability[] }> {
      if (!isMember(actor)) throw new ForbiddenError();
      const { need, access } = await needs.accessFor(actor, needId);
      if (access === 'none') throw new NotFoundError('没有这条需求 / No such need', { id: needId });
      return { need, capabilities: await capabilities.listPublishedBy(actor.organisationId) };
    },
  };
}

export type MatchingService = ReturnType<typeof createMatchingService>;
