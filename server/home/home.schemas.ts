import { z } from 'zod';

export const localeChoice = z.object({
  locale: z.enum(['zh', 'en']),
  // Only same-site paths, so the switch cannot be used as an open redirect.
  next: z
    .string()
    .regex(/^\/(?![/\\])[^\s]*$/)
    .default('/')
    .catch('/'),
});
