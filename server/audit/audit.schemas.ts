import { z } from 'zod';

const optionalText = z
  .string()
  .trim()
  .max(200)
  .transform((value) => value || undefined)
  .optional();

const optionalDate = z
  .string()
  .trim()
  .transform((value) => value || undefined)
  .pipe(z.iso.date().optional())
  .optional();

export const auditQuery = z.object({
  action: optionalText,
  actor: optionalText,
  target: optionalText,
  from: optionalDate,
  to: optionalDate,
  page: z.coerce.number().int().min(1).max(10_000).default(1).catch(1),
});

export type AuditQuery = z.infer<typeof auditQuery>;
