import type { Role } from '../core/actor';
import type { Locale } from '../core/i18n';
import { formatTime } from '../core/time';
import type { Organisation, OrganisationService } from '../organisations';
import type { Person, PendingInvitation } from './accounts.service';
import type { SessionAccount } from './auth.service';

export interface CurrentUserView {
  name: string;
  email: string;
  roles: Role[];
  isPlatformAdmin: boolean;
  isOrganiser: boolean;
  isOrgAdmin: boolean;
  hasOrganisation: boolean;
  twoFactorEnabled: boolean;
  twoFactorDue: boolean;
}

export function presentCurrentUser(account: SessionAccount): CurrentUserView {
  const roles = account.actor.roles;
  return {
    name: account.name,
    email: account.email,
    roles,
    isPlatformAdmin: roles.includes('platform-admin'),
    isOrganiser: roles.includes('organiser'),
    isOrgAdmin: roles.includes('org-admin'),
    hasOrganisation: Boolean(account.actor.organisationId),
    twoFactorEnabled: account.twoFactorEnabled,
    twoFactorDue: account.twoFactorDue,
  };
}

const ROLE_LABELS: Record<Role, Record<Locale, string>> = {
  'platform-admin': { zh: '平台管理员', en: 'Platform admin' },
  organiser: { zh: '组织者', en: 'Organiser' },
  'org-admin': { zh: '单位管理员', en: 'Organisation admin' },
  'org-member': { zh: '单位成员', en: 'Organisation member' },
};

export function roleLabel(role: Role | null, locale: Locale): string {
  return role ? ROLE_LABELS[role][locale] : '';
}

export function presentPerson(person: Person, locale: Locale) {
  return {
    id: person.id,
    name: person.name,
    email: person.email,
    roles: person.roles.map((role) => roleLabel(role, locale)).join('、'),
    isOrganiser: person.roles.includes('organiser'),
    emailVerified: person.emailVerified,
    twoFactorEnabled: person.twoFactorEnabled,
    since: formatTime(person.createdAt).slice(0, 10),
  };
}

export function presentInvitation(invitation: PendingInvitation, locale: Locale) {
  return { email: invitation.email, role: roleLabel(invitation.role, locale), expiresAt: formatTime(invitation.expiresAt) };
}

export function presentOrganisationSummary(organisation: Organisation, organisations: OrganisationService, locale: Locale) {
  return {
    id: organisation.id,
    name: organisation.name,
    kind: organisations.kindLabel(organisation.kind, locale),
    status: organisation.status,
  };
}
