import { z } from 'zod';

export const inboxQuery = z.object({ page: z.coerce.number().int().min(1).max(1000).default(1) });
