import type { Connection } from 'mongoose';
import type { UploadArea } from '../core/upload';
import type { AuditService } from '../audit';
import type { FileService } from '../files';
import type { MailService } from '../mail';
import type { OrganisationService } from '../organisations';
import { qualificationModel } from './qualifications.model';
import { qualificationsRoutes } from './qualifications.routes';
import { createQualificationService, type QualificationServiceDeps } from './qualifications.service';

export function createQualificationsFeature(deps: {
  connection: Connection;
  organisations: OrganisationService;
  files: FileService;
  uploads: UploadArea;
  audit: AuditService;
  mail: MailService;
  onQualificationsChanged?: QualificationServiceDeps['onQualificationsChanged'];
}) {
  const service = createQualificationService({
    qualifications: qualificationModel(deps.connection),
    organisations: deps.organisations,
    files: deps.files,
    audit: deps.audit,
    mail: deps.mail,
    onQualificationsChanged: deps.onQualificationsChanged,
  });
  return { service, router: qualificationsRoutes({ qualifications: service, uploads: deps.uploads }) };
}

export type { QualificationService, Qualification, HeldQualification, QualificationWithScan } from './qualifications.service';
export type { QualificationStatus } from './qualifications.model';
export type { QualificationRequirement } from './qualifications.schemas';
export { presentQualificationSummary } from './qualifications.presenter';
export { QUALIFICATION_TYPES, levelRank, levelSatisfies, qualificationType, type QualificationType, type QualificationLevel } from './qualification-catalogue';
