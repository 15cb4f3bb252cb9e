import { z } from 'zod';

export const directoryQuery = z.object({ page: z.coerce.number().int().min(1).max(10_000).default(1).catch(1) });
