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

const term = z.string().trim().min(1).max(40);

export const industryEditSchema = z
  .object({
    zh: z.string().trim().min(1).max(80),
    en: z.string().trim().min(1).max(160),
    keywords: z.array(term).max(50),
    equivalents: z.array(z.array(term).min(2).max(10)).max(20),
  })
  .partial();

export type IndustryEdit = z.infer<typeof industryEditSchema>;

export const industrySearchQuery = z.object({ q: z.string().trim().max(100).optional() });

/** seeds/taxonomy-equivalents.json: curated groups of true equivalents per leaf. */
export const equivalentsFileSchema = z.object({ equivalents: z.record(z.string(), z.array(z.array(z.string().min(1)).min(2))) });

const TERM_SEPARATORS = /[,，、;；]+/;

/** Keywords typed one per line or separated by commas or 、. */
const keywordBox = z
  .string()
  .default('')
  .transform((text) => [...new Set(text.split(/[\n\r]+/).flatMap((line) => line.split(TERM_SEPARATORS)).map((word) => word.trim()).filter(Boolean))])
  .pipe(z.array(z.string().max(40, '每个关键词最多 40 个字 / At most 40 characters a keyword')).max(50, '最多 50 个关键词 / At most 50 keywords'));

/** One group of equivalent terms per line, the terms separated by commas or 、. */
const equivalentsBox = z
  .string()
  .default('')
  .transform((text) =>
    text
      .split(/\r?\n/)
      .map((line) => [...new Set(line.split(TERM_SEPARATORS).map((word) => word.trim()).filter(Boolean))])
      .filter((group) => group.length > 0),
  )
  .pipe(
    z
      .array(z.array(z.string().max(40, '每个词最多 40 个字 / At most 40 characters a term')).min(2, '每行至少两个等价词 / Each line needs at least two equivalent terms').max(10))
      .max(20, '最多 20 组 / At most 20 groups'),
  );

export const industryForm = z.object({
  zh: z.string().trim().min(1, '请填写中文名称 / Enter the Chinese label').max(80),
  en: z.string().trim().min(1, '请填写英文名称 / Enter the English label').max(160),
  keywords: keywordBox,
  equivalents: equivalentsBox,
});

export type IndustryFormInput = z.infer<typeof industryForm>;

export const leafForm = industryForm.extend({
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, '代码只能用小写字母、数字和连字符 / Use lower-case letters, digits and hyphens')
    .max(40),
});

export type LeafInput = z.infer<typeof leafForm>;
