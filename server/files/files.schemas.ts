import { z } from 'zod';

export const fileParams = z.object({ id: z.string().regex(/^[a-f0-9]{24}$/, '没有这个文件 / No such file') });
