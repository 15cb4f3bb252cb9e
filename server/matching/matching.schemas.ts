import { z } from 'zod';
import { documentUpload } from '../core/document-upload';
import { uploadField, type UploadPolicy } from '../core/upload';
import { declarationField } from '../screening';

const objectId = (message: string) => z.string().regex(/^[a-f0-9]{24}$/, message);

export const needParams = z.object({ id: objectId('没有这条需求 / No such need') });
export const capabilityParams = z.object({ id: objectId('没有这个能力 / No such capability') });
export const threadParams = z.object({ id: objectId('没有这条对接记录 / No such response') });
export const threadFileParams = z.object({ id: objectId('没有这条对接记录 / No such response'), fileId: objectId('没有这个文件 / No such file') });

/** Proposal documents: PDF, images or Office files up to 20 MB, judged by content. */
export const RESPONSE_ATTACHMENT_UPLOAD: UploadPolicy = documentUpload('file');
export const responseAttachmentForm = z.object({ declaration: declarationField, file: uploadField({ required: true }) });

export const invitationInput = z.object({
  supplierOrganisationId: objectId('请选择供应方 / Choose a supplier'),
  capabilityId: objectId('无效的能力 / Invalid capability').optional().or(z.literal('').transform(() => undefined)),
});

export const responseInput = z.object({
  proposal: z.string().trim().min(10, '方案说明至少 10 个字 / At least 10 characters').max(4000, '方案说明最多 4000 个字 / At most 4000 characters'),
  capabilityId: objectId('无效的能力 / Invalid capability').optional().or(z.literal('').transform(() => undefined)),
  declaration: z.string().optional().transform((value) => value === 'on'),
}).refine((input) => input.declaration, { path: ['declaration'], message: '请声明内容不含涉密信息 / Declare that the response contains no classified information' });

export const RESPONSE_ACTIONS = ['shortlist', 'talks', 'select', 'decline', 'withdraw'] as const;
export type ResponseAction = (typeof RESPONSE_ACTIONS)[number];

export const transitionInput = z
  .object({
    action: z.enum(RESPONSE_ACTIONS, '未知的操作 / Unknown action'),
    reason: z.string().trim().max(1000, '理由最多 1000 个字 / At most 1000 characters').default(''),
  })
  .refine((input) => input.action !== 'decline' || input.reason.length >= 2, { path: ['reason'], message: '请说明婉拒的理由 / Give a reason for declining' });

export const messageInput = z.object({
  body: z.string().trim().min(1, '请输入留言 / Write a message').max(4000, '留言最多 4000 个字 / At most 4000 characters'),
});

export const outcomeInput = z.object({
  intentSigned: z.string().optional().transform((value) => value === 'on'),
  contractValue: z
    .string()
    .default('')
    .transform((value) => (value.trim() === '' ? null : Number(value.replace(/[,，\s]/g, ''))))
    .pipe(z.number('请输入金额（元） / Enter an amount in yuan').min(0, '金额不能为负 / The amount cannot be negative').max(1e13).nullable()),
});

export type InvitationInput = z.infer<typeof invitationInput>;
export type ResponseInput = z.infer<typeof responseInput>;
export type TransitionInput = z.infer<typeof transitionInput>;
export type OutcomeInput = z.infer<typeof outcomeInput>;
