import type { Locale, MessageKey, Translate } from '../core/i18n';
import { formatTime } from '../core/time';
import { presentCapabilitySummary } from '../capabilities';
import { presentNeedSummary, qualificationRequirementLabel, type NeedLabelContext } from '../needs';
import type { IndustryDomain } from '../taxonomy';
import type { UnmetRequirement } from './eligibility';
import type { CapabilityMatchesView, MatchRequirementView, NeedMatchesView, ResponseThread, ThreadView } from './matching.service';

export interface MatchLabelContext extends NeedLabelContext {
  locale: Locale;
  t: Translate;
  domains: IndustryDomain[];
}

function leafLabel(code: string, context: MatchLabelContext): string {
  for (const domain of context.domains) {
    const leaf = domain.leaves.find((candidate) => candidate.code === code);
    if (leaf) return context.locale === 'zh' ? leaf.zh : leaf.en;
  }
  return code;
}

function requirementLabel(requirement: MatchRequirementView, context: MatchLabelContext): string {
  if (requirement.kind === 'trl') return context.t('matching.requirement.trl', { trl: requirement.minTrl });
  return qualificationRequirementLabel(requirement, context);
}

function unmetLabel(unmet: UnmetRequirement, context: MatchLabelContext): string {
  if (unmet.kind === 'trl') return context.t('matching.unmet.trl', { trl: unmet.minTrl, actual: unmet.trl ?? '—' });
  return `${qualificationRequirementLabel(unmet, context)}：${context.t(`matching.unmet.${unmet.reason}` as MessageKey)}`;
}

/** The score's parts as percentages of the whole, for the bar beside each match. */
function scoreParts(parts: Record<string, number>, weights: Record<string, number>, context: MatchLabelContext) {
  const weighted = Object.entries(parts).map(([name, value]) => ({ name, value: value * (weights[name] ?? 1) }));
  const total = weighted.reduce((sum, part) => sum + part.value, 0) || 1;
  return weighted.map((part) => ({ name: part.name, label: context.t(`matching.part.${part.name}` as MessageKey), value: part.value, share: Math.round((100 * part.value) / total) }));
}

const PART_WEIGHTS = { text: 1, industry: 0.6, preferences: 0.05 };

function presentExplanation(result: { matchedTerms: string[]; industries: { shared: string[]; related: string[] }; score: number; parts: Record<string, number> }, context: MatchLabelContext) {
  return {
    score: result.score.toFixed(2),
    // "无人机" says all that "无人" would.
    matchedTerms: result.matchedTerms.filter((term, _, all) => !all.some((other) => other !== term && other.includes(term))).slice(0, 12),
    sharedIndustries: result.industries.shared.map((code) => leafLabel(code, context)),
    relatedIndustries: result.industries.related.map((code) => leafLabel(code, context)),
    parts: scoreParts(result.parts, PART_WEIGHTS, context),
  };
}

function threadStatus(thread: { id: string; status: string } | null, context: MatchLabelContext) {
  return thread ? { href: `/responses/${thread.id}`, status: thread.status, label: context.t(`response.status.${thread.status}` as MessageKey) } : null;
}

export function presentNeedMatches(view: NeedMatchesView, context: MatchLabelContext) {
  return {
    need: presentNeedSummary(view.need, context),
    canInvite: view.canInvite,
    available: view.available,
    asOf: view.asOf,
    matches: view.matches.map((match, index) => ({
      rank: index + 1,
      capability: presentCapabilitySummary(match.capability, { ...context, organisationName: match.organisation.name }),
      organisationId: match.organisation.id,
      explanation: presentExplanation(match.result, context),
      requirements: match.requirements.map((entry) => ({ label: requirementLabel(entry.requirement, context), met: entry.met })),
      preferences: match.result.preferencesMet.map((preference) => context.t(`matching.preference.${preference}` as MessageKey)),
      thread: threadStatus(match.thread, context),
    })),
    nearMisses: view.nearMisses.map((miss) => ({
      capability: presentCapabilitySummary(miss.capability, { ...context, organisationName: miss.organisation.name }),
      explanation: presentExplanation(miss.result, context),
      missing: miss.unmet.map((unmet) => unmetLabel(unmet, context)),
    })),
  };
}

export function presentCapabilityMatches(view: CapabilityMatchesView, context: MatchLabelContext) {
  const present = (entry: CapabilityMatchesView['matches'][number]) => ({
    need: presentNeedSummary(entry.need, context),
    access: entry.access,
    explanation: presentExplanation({ ...entry.result, parts: entry.result.parts }, context),
    thread: threadStatus(entry.thread, context),
  });
  return {
    capability: presentCapabilitySummary(view.capability, context),
    available: view.available,
    matches: view.matches.map(present),
    nearMisses: view.nearMisses.map((entry) => ({ ...present(entry), missing: entry.unmet.map((unmet) => unmetLabel(unmet, context)) })),
  };
}

function sideLabel(side: 'owner' | 'supplier', thread: ResponseThread): string {
  return side === 'owner' ? thread.needOrganisation.name : thread.supplierOrganisation.name;
}

export function presentThread(thread: ResponseThread, context: MatchLabelContext) {
  return {
    id: thread.id,
    href: `/responses/${thread.id}`,
    needHref: `/needs/${thread.needId}`,
    needTitle: thread.needTitle,
    needOrganisation: thread.needOrganisation.name,
    supplierOrganisation: thread.supplierOrganisation.name,
    supplierHref: `/organisations/${thread.supplierOrganisation.id}`,
    capability: thread.capability ? { title: thread.capability.title, href: `/capabilities/${thread.capability.id}` } : null,
    status: thread.status,
    statusLabel: context.t(`response.status.${thread.status}` as MessageKey),
    proposal: thread.proposal,
    declineReason: thread.declineReason,
    outcome: thread.outcome
      ? { intentSigned: thread.outcome.intentSigned, contractValue: thread.outcome.contractValue === null ? '' : thread.outcome.contractValue.toLocaleString('zh-CN'), at: formatTime(thread.outcome.recordedAt) }
      : null,
    messages: thread.messages.map((message) => ({ author: sideLabel(message.side, thread), side: message.side, body: message.body, at: formatTime(message.at) })),
    attachments: thread.attachments.map((file) => ({
      href: `/responses/${thread.id}/attachments/${file.id}`,
      name: file.name,
      type: file.type.toUpperCase(),
      size: file.size < 1024 * 1024 ? `${Math.max(1, Math.round(file.size / 1024))} KB` : `${(file.size / (1024 * 1024)).toFixed(1)} MB`,
      by: sideLabel(file.side, thread),
      at: formatTime(file.uploadedAt),
    })),
    history: thread.history.map((step) => ({
      by: sideLabel(step.side, thread),
      to: context.t(`response.status.${step.to}` as MessageKey),
      reason: step.reason,
      at: formatTime(step.at),
    })),
    updatedAt: formatTime(thread.updatedAt),
  };
}

export function presentThreadView(view: ThreadView, context: MatchLabelContext) {
  return {
    thread: presentThread(view.thread, context),
    side: view.side,
    actions: view.actions.map((action) => ({ action, label: context.t(`response.action.${action}` as MessageKey), needsReason: action === 'decline' || action === 'withdraw' })),
    canMessage: view.canMessage,
    canRecordOutcome: view.canRecordOutcome,
  };
}
