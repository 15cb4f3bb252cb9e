import { z } from 'zod';
import { WATCHED_LISTINGS } from './alerts.model';

const formList = z.preprocess((value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]), z.array(z.string()));

export const subscriptionInput = z.object({
  enabled: z.string().optional().transform((value) => value === 'on'),
  leaves: formList.pipe(z.array(z.string().trim().min(1)).max(30, '最多订阅 30 个产业方向 / At most 30 industries')),
  keywords: z
    .string()
    .default('')
    .transform((text) => [...new Set(text.split(/[,，、;；\n\r]+/).map((term) => term.trim()).filter(Boolean))])
    .pipe(z.array(z.string().max(30, '每个关键词最多 30 个字 / At most 30 characters each')).max(20, '最多 20 个关键词 / At most 20 keywords')),
  watch: formList.pipe(z.array(z.enum(WATCHED_LISTINGS, '未知的类别 / Unknown listing type'))),
});

export type SubscriptionInput = z.infer<typeof subscriptionInput>;
