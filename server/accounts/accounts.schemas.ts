import { z } from 'zod';
import { emailAddress, organisationInput } from '../organisations/organisations.schemas';

export const password = z
  .string()
  .min(10, '密码至少 10 位 / At least 10 characters')
  .max(128, '密码最多 128 位 / At most 128 characters')
  .refine((value) => /[A-Za-z]/.test(value) && /\d/.test(value), '密码须同时包含字母和数字 / Use letters and digits');

const personName = z.string().trim().min(2, '请填写姓名 / Enter your name').max(50);

const passwordsMatch = {
  check: (value: { password: string; passwordConfirm: string }) => value.password === value.passwordConfirm,
  issue: { message: '两次输入的密码不一致 / The passwords do not match', path: ['passwordConfirm'] },
};

export const registrationInput = organisationInput
  .extend({ adminName: personName, adminEmail: emailAddress, password, passwordConfirm: z.string() })
  .refine(passwordsMatch.check, passwordsMatch.issue);

export type RegistrationInput = z.infer<typeof registrationInput>;

export const loginInput = z.object({
  email: emailAddress,
  password: z.string().min(1, '请输入密码 / Enter your password').max(128),
  next: z
    .string()
    .regex(/^\/(?![/\\])[^\s]*$/)
    .optional()
    .catch(undefined),
});

export const secondFactorInput = z.object({
  code: z
    .string()
    .trim()
    .transform((value) => value.replace(/\s/g, ''))
    .pipe(z.string().regex(/^(\d{6}|[a-z0-9]{5}-?[a-z0-9]{5})$/i, '请输入 6 位验证码或恢复码 / Enter the 6-digit code or a recovery code')),
});

export const totpCodeInput = z.object({
  code: z
    .string()
    .trim()
    .transform((value) => value.replace(/\s/g, ''))
    .pipe(z.string().regex(/^\d{6}$/, '请输入验证器显示的 6 位数字 / Enter the 6 digits your authenticator shows')),
});

export const emailInput = z.object({ email: emailAddress });

export const tokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/) });

export const resetPasswordInput = z.object({ password, passwordConfirm: z.string() }).refine(passwordsMatch.check, passwordsMatch.issue);

export const invitationInput = z.object({
  email: emailAddress,
  role: z.enum(['org-member', 'org-admin']).default('org-member'),
});

export const acceptInvitationInput = z.object({ name: personName, password, passwordConfirm: z.string() }).refine(passwordsMatch.check, passwordsMatch.issue);

export const profileInput = z.object({ name: personName, locale: z.enum(['zh', 'en']) });

export const changePasswordInput = z
  .object({ currentPassword: z.string().min(1, '请输入当前密码 / Enter your current password').max(128), password, passwordConfirm: z.string() })
  .refine(passwordsMatch.check, passwordsMatch.issue);

export const disableTotpInput = z.object({ currentPassword: z.string().min(1, '请输入当前密码 / Enter your current password').max(128) });

export const userIdParams = z.object({ userId: z.string().regex(/^[a-f0-9]{24}$/) });

export const appointmentInput = z.object({ userId: z.string().regex(/^[a-f0-9]{24}$/, '请选择人员 / Choose a person') });

export const unlockInput = z.object({ key: z.string().regex(/^(account|ip):.{1,254}$/) });

/** Trusted callers (CLI, seeds, tests) create people without a form. */
export const provisionInput = z.object({
  email: emailAddress,
  name: personName,
  password,
  roles: z.array(z.enum(['platform-admin', 'organiser', 'org-admin', 'org-member'])).min(1),
  organisationId: z.string().regex(/^[a-f0-9]{24}$/).optional(),
  totpSecret: z.string().regex(/^[A-Z2-7]{16,}$/).optional(),
});

export type ProvisionInput = z.input<typeof provisionInput>;
