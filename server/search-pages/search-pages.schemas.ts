import { z } from 'zod';
import { NEED_SORTS } from '../../search/needs';

export const SEARCH_TABS = ['needs', 'capabilities', 'organisations'] as const;
export type SearchTab = (typeof SEARCH_TABS)[number];

/** A facet value from the URL: a code, or nothing; anything else is ignored rather than refused. */
const code = z
  .string()
  .trim()
  .regex(/^[a-z0-9.-]{1,60}$|^\d{6}$/)
  .optional()
  .catch(undefined);

const trl = z.coerce.number().int().min(1).max(9).optional().catch(undefined);

/** The search page's URL: every filter is kept in the query string, so a search can be shared and reloaded. */
export const searchQuery = z.object({
  q: z.string().trim().max(100).default('').catch(''),
  tab: z.enum(SEARCH_TABS).default('needs').catch('needs'),
  domain: code,
  industry: code,
  kind: code,
  direction: code,
  organisationKind: code,
  province: code,
  qualification: code,
  trlMin: trl,
  trlMax: trl,
  sort: z.enum(NEED_SORTS).default('relevance').catch('relevance'),
  page: z.coerce.number().int().min(1).max(500).default(1).catch(1),
});

export type SearchQuery = z.infer<typeof searchQuery>;
