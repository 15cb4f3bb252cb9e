import { z } from 'zod';
import { OUTBOX_STATUSES } from './outbox.model';

export const outboxListQuery = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1).catch(1),
  status: z.enum(OUTBOX_STATUSES).optional().catch(undefined),
});

export const outboxMessageParams = z.object({ id: z.string().regex(/^[a-f0-9]{24}$/) });
