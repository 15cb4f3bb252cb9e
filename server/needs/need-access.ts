import type { Actor } from '../core/actor';
import { levelSatisfies } from '../qualifications';
import type { NeedRecord } from './needs.model';

/** What a viewer may see of a need: nothing (not even that it exists), its summary, or everything. */
export type NeedAccess = 'none' | 'summary' | 'details';

/** A qualification the viewer's organisation holds, as the qualifications service reports it. */
export interface HeldQualification {
  type: string;
  level: string | null;
  /** Last valid day, `YYYY-MM-DD`. */
  validUntil: string;
  verified: boolean;
}

/** Everything the access rules need to know about who is looking. */
export interface NeedViewer {
  actor: Actor | null;
  /** Organisers and platform admins oversee every need. */
  reviewer: boolean;
  organisation: { id: string; creditCode: string; verified: boolean } | null;
  qualifications: HeldQualification[];
  /** Today in Beijing (`YYYY-MM-DD`): a qualification is valid through its last day. */
  today: string;
}

export function isReviewer(actor: Actor | null): boolean {
  return Boolean(actor?.roles.some((role) => role === 'organiser' || role === 'platform-admin'));
}

export function belongsTo(actor: Actor | null, need: Pick<NeedRecord, 'organisationId'>): boolean {
  return Boolean(actor?.organisationId && actor.organisationId === need.organisationId && actor.roles.some((role) => role === 'org-admin' || role === 'org-member'));
}

/** Every required qualification held at the required level or better, verified and not expired. */
export function meetsQualifications(requirements: NeedRecord['requirements']['qualifications'], held: HeldQualification[], today: string): boolean {
  return requirements.every((requirement) =>
    held.some(
      (qualification) =>
        qualification.type === requirement.type && qualification.verified && qualification.validUntil >= today && levelSatisfies(requirement.type, qualification.level, requirement.minLevel),
    ),
  );
}

/**
 * The one rule for who sees what of a need, applied to every page, file and
 * JSON answer (the search filter in search/needs mirrors it for findability).
 * Unpublished needs, and needs of an organisation that is no longer
 * verified, exist only for their organisation and the reviewers; closed ones
 * stay readable to those who could read them when open.
 */
export function accessTo(need: NeedRecord, viewer: NeedViewer, publisherVerified: boolean): NeedAccess {
  if (viewer.reviewer || belongsTo(viewer.actor, need)) return 'details';
  if (need.status !== 'published' && need.status !== 'closed') return 'none';
  // An organisation that lost its verification publishes nothing, as with capabilities.
  if (!publisherVerified) return 'none';
  const verified = viewer.organisation?.verified === true;
  switch (need.visibility) {
    case 'public':
      return 'details';
    case 'registered':
      return verified ? 'details' : 'summary';
    case 'qualified':
      return verified && meetsQualifications(need.requirements.qualifications, viewer.qualifications, viewer.today) ? 'details' : 'summary';
    case 'invited':
      return verified && need.invitedCreditCodes.includes(viewer.organisation!.creditCode) ? 'details' : 'none';
  }
}
