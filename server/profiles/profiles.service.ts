import type { Actor } from '../core/actor';
import type { Organisation, OrganisationService } from '../organisations';
import type { Qualification, QualificationService } from '../qualifications';

/**
 * Organisation profiles as others see them: the directory of verified
 * organisations and a profile with the qualifications that count today.
 */
export function createProfileService(deps: { organisations: OrganisationService; qualifications: QualificationService }) {
  return {
    directory(page: number) {
      return deps.organisations.listVerified({ page });
    },

    async profile(actor: Actor | null, organisationId: string, onDay: Date): Promise<{ organisation: Organisation; qualifications: Qualification[] }> {
      const organisation = await deps.organisations.visibleProfile(actor, organisationId);
      return { organisation, qualifications: await deps.qualifications.effectiveQualifications(organisation.id, onDay) };
    },
  };
}

export type ProfileService = ReturnType<typeof createProfileService>;
