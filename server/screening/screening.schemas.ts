import { z } from 'zod';
import { TERM_ACTIONS } from './screening.model';

export const termInput = z.object({
  term: z.string().trim().min(2, '敏感词至少 2 个字 / A term has at least 2 characters').max(100),
  action: z.enum(TERM_ACTIONS, '请选择处理方式 / Choose what happens on a match'),
  note: z.string().trim().max(200).default(''),
});

export type TermInput = z.infer<typeof termInput>;

export const termParams = z.object({ id: z.string().regex(/^[a-f0-9]{24}$/) });

/** The poster's declaration; a form sends `on` for a ticked box and nothing otherwise. */
export const declarationField = z.literal('on', '请确认所填内容不含涉密信息 / Confirm that the submission contains no classified information');
