export const ROLES = ['platform-admin', 'organiser', 'org-admin', 'org-member'] as const;
export type Role = (typeof ROLES)[number];

/** Who is acting: the signed-in person as services see them (never `req`). */
export interface Actor {
  id: string;
  roles: Role[];
  organisationId?: string;
}

export const anonymous: Actor | null = null;
