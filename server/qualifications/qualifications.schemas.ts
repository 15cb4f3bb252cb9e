import { z } from 'zod';
import { scanUpload, uploadField } from '../core/upload';
import { qualificationType } from './qualification-catalogue';

/** The certificate scan: PDF or an image of at most 10 MB. */
export const SCAN_UPLOAD = scanUpload('scan');

const day = (message: string) => z.iso.date(message);

const fields = z.object({
  type: z
    .string()
    .trim()
    .refine((code) => qualificationType(code) !== undefined, '请选择资质类型 / Choose a qualification type'),
  level: z.string().trim().default(''),
  certificateNumber: z.string().trim().min(2, '请填写证书编号 / Enter the certificate number').max(100),
  issuingAuthority: z.string().trim().min(2, '请填写发证机关 / Enter the issuing authority').max(100),
  issuedOn: day('请填写发证日期（年-月-日）/ Enter the issue date (YYYY-MM-DD)'),
  expiresOn: day('请填写有效期至（年-月-日）/ Enter the expiry date (YYYY-MM-DD)'),
});

type Fields = z.infer<typeof fields>;

const isDay = (value: unknown): value is string => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);

/**
 * Levels come from the catalogue: one of the type's levels, or none for a
 * type without levels. Runs even when other fields failed (`when`), so the
 * form reports every problem at once; hence the defensive reads.
 */
function checkLevelAndDates(value: Fields, context: z.RefinementCtx): void {
  const type = typeof value.type === 'string' ? qualificationType(value.type.trim()) : undefined;
  const level = typeof value.level === 'string' ? value.level.trim() : '';
  if (type && type.levels.length > 0 && !type.levels.some((candidate) => candidate.code === level)) {
    context.addIssue({ code: 'custom', path: ['level'], message: `请选择${type.zh}的等级 / Choose a level of this qualification` });
  }
  if (type && type.levels.length === 0 && level) {
    context.addIssue({ code: 'custom', path: ['level'], message: `${type.zh}不分等级 / This qualification has no levels` });
  }
  if (isDay(value.issuedOn) && isDay(value.expiresOn) && value.expiresOn <= value.issuedOn) {
    context.addIssue({ code: 'custom', path: ['expiresOn'], message: '有效期须晚于发证日期 / The expiry date must be after the issue date' });
  }
}

const always = { when: () => true };

const withNullLevel = <T extends Fields>(value: T): Omit<T, 'level'> & { level: string | null } => ({ ...value, level: value.level || null });

/** Recording a qualification: the scan is required. */
export const qualificationForm = fields.extend({ scan: uploadField({ required: true }) }).superRefine(checkLevelAndDates, always).transform(withNullLevel);

/** Changing one: a new scan is optional, the stored one stays otherwise. */
export const qualificationEditForm = fields.extend({ scan: uploadField({ required: false }) }).superRefine(checkLevelAndDates, always).transform(withNullLevel);

export type QualificationInput = z.infer<typeof qualificationEditForm>;

export const qualificationParams = z.object({ id: z.string().regex(/^[a-f0-9]{24}$/, '没有这项资质 / No such qualification') });

export const qualificationDecision = z
  .object({
    decision: z.enum(['verified', 'rejected'], '请选择通过或驳回 / Choose verify or reject'),
    reason: z.string().trim().max(1000).default(''),
  })
  .refine((value) => value.decision === 'verified' || value.reason.length > 0, { message: '驳回时请填写原因 / Give a reason for a rejection', path: ['reason'] });

export type QualificationDecision = z.infer<typeof qualificationDecision>['decision'];

/** What a need (or anything else) requires: a type, and optionally a lowest acceptable level. */
export interface QualificationRequirement {
  type: string;
  minLevel?: string | null;
}
