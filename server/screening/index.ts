import type { Connection } from 'mongoose';
import type { AuditService } from '../audit';
import { sensitiveTermModel } from './screening.model';
import { screeningRoutes } from './screening.routes';
import { createScreeningService } from './screening.service';

export function createScreeningFeature(deps: { connection: Connection; audit: AuditService }) {
  const service = createScreeningService({ terms: sensitiveTermModel(deps.connection), audit: deps.audit });
  return { service, router: screeningRoutes(service) };
}

export type { ScreeningService, ScreeningFinding, ScreeningResult, ScreenedText, SensitiveTerm } from './screening.service';
export { findingMessage } from './screening.service';
export { declarationField } from './screening.schemas';
