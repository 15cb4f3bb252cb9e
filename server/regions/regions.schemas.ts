import { z } from 'zod';

/** The shape of seeds/regions.json. */
export const regionsFileSchema = z.object({
  version: z.number().int(),
  provinces: z
    .array(
      z.object({
        code: z.string().regex(/^\d{2}0000$/),
        zh: z.string().min(1),
        en: z.string().min(1),
        cities: z.array(z.object({ zh: z.string().min(1), en: z.string().min(1) })).min(1),
      }),
    )
    .min(1),
});

export type RegionsFile = z.infer<typeof regionsFileSchema>;
