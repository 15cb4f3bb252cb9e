import { z } from 'zod';

const leafSchema = z.object({
  code: z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/),
  zh: z.string().min(1),
  en: z.string().min(1),
  keywords: z.array(z.string().min(1)).default([]),
  sources: z.array(z.string()).default([]),
});

const domainSchema = z.object({
  code: z.string().regex(/^[a-z0-9-]+$/),
  zh: z.string().min(1),
  en: z.string().min(1),
  children: z.array(leafSchema).min(1),
});

/** The shape of seeds/taxonomy.json (the canonical catalogue from the seed documents). */
export const taxonomyFileSchema = z.object({
  version: z.number().int(),
  domains: z.array(domainSchema).min(1),
});

export type TaxonomyFile = z.infer<typeof taxonomyFileSchema>;

export const industryCodeParams = z.object({ code: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)?$/) });

export const industryEditSchema = z
  .object({
    zh: z.string().trim().min(1).max(80),
    en: z.string().trim().min(1).max(160),
    keywords: z.array(z.string().trim().min(1).max(40)).max(50),
  })
  .partial();

export type IndustryEdit = z.infer<typeof industryEditSchema>;

export const industrySearchQuery = z.object({ q: z.string().trim().max(100).optional() });
