import { z } from 'zod';
import { scanUpload, uploadField } from '../core/upload';
import { isValidCreditCode, normaliseCreditCode } from './credit-code';

/** Form fields arrive as a string when one box is ticked and as an array when several are. */
const stringList = z.preprocess((value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]), z.array(z.string().trim().min(1)));

export const phoneNumber = z
  .string()
  .trim()
  .regex(/^(\+86[-\s]?)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$/, '请填写手机号或带区号的固定电话 / Enter a mobile number or a landline with area code');

export const emailAddress = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email('请填写有效的邮箱地址 / Enter a valid e-mail address'));

export const organisationInput = z.object({
  name: z.string().trim().min(2, '请填写单位全称 / Enter the full name').max(100),
  creditCode: z
    .string()
    .transform(normaliseCreditCode)
    .refine((code) => code.length === 18, '统一社会信用代码应为 18 位 / The unified social credit code has 18 characters')
    .refine(isValidCreditCode, '统一社会信用代码校验位不正确 / The check character of the credit code is wrong'),
  kind: z.string().trim().min(1, '请选择单位类型 / Choose a kind'),
  province: z.string().trim().min(1, '请选择省份 / Choose a province'),
  city: z.string().trim().min(1, '请选择城市 / Choose a city'),
  industries: stringList.pipe(z.array(z.string()).min(1, '至少选择一个产业方向 / Choose at least one industry').max(10, '最多选择 10 个产业方向 / At most 10 industries')),
  introduction: z.string().trim().max(2000).default(''),
  contactPerson: z.string().trim().min(2, '请填写联系人 / Enter a contact person').max(50),
  contactPhone: phoneNumber,
  contactEmail: emailAddress,
});

export type OrganisationInput = z.infer<typeof organisationInput>;

/** What the administrator edits later; the kind stays as registered. */
export const organisationProfileInput = organisationInput.omit({ kind: true });

export type OrganisationProfileInput = z.infer<typeof organisationProfileInput>;

export const organisationParams = z.object({ id: z.string().regex(/^[a-f0-9]{24}$/, '没有这个单位 / No such organisation') });

export const verificationDecision = z
  .object({
    decision: z.enum(['verified', 'rejected']),
    reason: z.string().trim().max(1000).default(''),
  })
  .refine((value) => value.decision === 'verified' || value.reason.length > 0, { message: '驳回时请填写原因 / Give a reason for a rejection', path: ['reason'] });

export type VerificationDecision = z.infer<typeof verificationDecision>['decision'];

/** The business licence (营业执照): a scan or photo, PDF or image. */
export const LICENCE_UPLOAD = scanUpload('licence');

export const licenceSubmission = z.object({ licence: uploadField({ required: true }) });
