import { z } from 'zod';
import { declarationField } from '../screening';
import { emailAddress, isValidCreditCode, normaliseCreditCode, phoneNumber } from '../organisations';
import { NEED_VISIBILITIES } from './needs.model';

/** Form fields arrive as a string when one box is ticked and as an array when several are. */
const stringList = z.preprocess((value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]), z.array(z.string().trim().min(1)));

const optionalNumber = (schema: z.ZodNumber) =>
  z.preprocess((value) => (value === undefined || value === null || (typeof value === 'string' && value.trim() === '') ? null : value), z.coerce.number().pipe(schema).nullable());

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Credit codes typed one per line (or separated by commas or spaces). */
const creditCodeList = z
  .string()
  .default('')
  .transform((text) => [...new Set(text.split(/[\s,，;；]+/).map(normaliseCreditCode).filter(Boolean))])
  .refine((codes) => codes.every(isValidCreditCode), '请逐行填写有效的统一社会信用代码 / Enter valid unified social credit codes, one per line')
  .refine((codes) => codes.length <= 50, '最多邀请 50 家单位 / At most 50 organisations');

export const QUALIFICATION_LEVEL_PREFIX = 'minLevel_';

/**
 * The need form. Qualification requirements come as ticked `qualifications`
 * plus one `minLevel_<type>` select per type, gathered here into pairs.
 */
export const needInput = z
  .looseObject({
    kind: z.string().trim().min(1, '请选择需求类别 / Choose a kind'),
    title: z.string().trim().min(4, '标题至少 4 个字 / The title needs at least 4 characters').max(100, '标题最多 100 个字 / At most 100 characters'),
    summary: z.string().trim().min(10, '摘要至少 10 个字 / The summary needs at least 10 characters').max(500, '摘要最多 500 个字 / At most 500 characters'),
    description: z.string().trim().max(20_000, '描述最多 20000 个字 / At most 20000 characters').default(''),
    industries: stringList.pipe(z.array(z.string()).min(1, '至少选择 1 个产业方向 / Choose at least one industry').max(3, '最多选择 3 个产业方向 / At most 3 industries')),
    qualifications: stringList,
    minTrl: optionalNumber(z.number().int().min(1, 'TRL 为 1–9 / TRL is 1–9').max(9, 'TRL 为 1–9 / TRL is 1–9')),
    preferredRegions: stringList.pipe(z.array(z.string()).max(34)),
    quantity: z.string().trim().max(100).default(''),
    budgetMin: optionalNumber(z.number().min(0, '预算不能为负 / The budget cannot be negative').max(10_000_000)),
    budgetMax: optionalNumber(z.number().min(0, '预算不能为负 / The budget cannot be negative').max(10_000_000)),
    budgetHidden: z.literal('on').optional(),
    responseDeadline: z.string().trim().regex(DAY, '请填写响应截止日期 / Enter the response deadline'),
    deliveryPlace: z.string().trim().max(200).default(''),
    deliveryTime: z.string().trim().max(100).default(''),
    contactPerson: z.string().trim().min(2, '请填写联系人 / Enter a contact person').max(50),
    contactPhone: phoneNumber,
    contactEmail: emailAddress,
    visibility: z.enum(NEED_VISIBILITIES, '请选择可见范围 / Choose who may see the need'),
    invitedCreditCodes: creditCodeList,
    declaration: declarationField,
  })
  .transform((input) => {
    const levels = Object.fromEntries(
      Object.entries(input)
        .filter(([key, value]) => key.startsWith(QUALIFICATION_LEVEL_PREFIX) && typeof value === 'string')
        .map(([key, value]) => [key.slice(QUALIFICATION_LEVEL_PREFIX.length), (value as string).trim() || null]),
    );
    return {
      kind: input.kind,
      title: input.title,
      summary: input.summary,
      description: input.description,
      industries: [...new Set(input.industries)],
      requirements: {
        qualifications: [...new Set(input.qualifications)].map((type) => ({ type, minLevel: levels[type] ?? null })),
        minTrl: input.minTrl,
        preferredRegions: [...new Set(input.preferredRegions)],
      },
      quantity: input.quantity,
      budget: { min: input.budgetMin, max: input.budgetMax, hidden: input.budgetHidden === 'on' },
      responseDeadline: input.responseDeadline,
      delivery: { place: input.deliveryPlace, time: input.deliveryTime },
      contact: { person: input.contactPerson, phone: input.contactPhone, email: input.contactEmail },
      visibility: input.visibility,
      invitedCreditCodes: input.invitedCreditCodes,
    };
  })
  .superRefine((input, context) => {
    if (input.budget.min !== null && input.budget.max !== null && input.budget.max < input.budget.min) {
      context.addIssue({ code: 'custom', path: ['budgetMax'], message: '预算上限不能低于下限 / The upper bound is below the lower bound' });
    }
    if (input.visibility === 'invited' && input.invitedCreditCodes.length === 0) {
      context.addIssue({ code: 'custom', path: ['invitedCreditCodes'], message: '仅邀请可见时请至少填写一家单位 / Name at least one organisation for an invitation-only need' });
    }
  });

export type NeedInput = z.infer<typeof needInput>;

export const needParams = z.object({ id: z.string().regex(/^[a-f0-9]{24}$/) });
export const attachmentParams = needParams.extend({ attachmentId: z.string().regex(/^[a-f0-9]{24}$/) });

export const closeInput = z.object({ reason: z.enum(['fulfilled', 'cancelled'], '请选择关闭原因 / Choose why the need is closed') });

export const reviewDecisionInput = z
  .object({
    decision: z.enum(['approve', 'return'], '请选择审查结论 / Choose a decision'),
    comments: z.string().trim().max(2000).default(''),
  })
  .refine((value) => value.decision === 'approve' || value.comments.length > 0, { path: ['comments'], message: '退回时请填写意见 / Give comments when returning a need' });

export type ReviewDecision = z.infer<typeof reviewDecisionInput>;

export const attachmentDeclaration = z.object({ declaration: declarationField });
