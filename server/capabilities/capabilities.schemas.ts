import { z } from 'zod';
import { documentUpload } from '../core/document-upload';
import { JPEG_FILE, MEGABYTE, PNG_FILE, uploadField, type UploadPolicy } from '../core/upload';
import { declarationField } from '../screening';

/** Form fields arrive as a string when one box is ticked and as an array when several are. */
const formList = z.preprocess((value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]), z.array(z.string()));

/** Keywords typed into one box, separated by commas, 、 or line breaks; duplicates dropped. */
const separatedTerms = (max: number, maxLength: number, what: string) =>
  z
    .string()
    .default('')
    .transform((text) => [...new Set(text.split(/[,，、;；\n\r]+/).map((term) => term.trim()).filter(Boolean))])
    .pipe(
      z
        .array(z.string().max(maxLength, `每个${what}最多 ${maxLength} 个字 / At most ${maxLength} characters each`))
        .max(max, `最多 ${max} 个${what} / At most ${max}`),
    );

/** One line per scenario. */
const lines = (max: number, maxLength: number) =>
  z
    .string()
    .default('')
    .transform((text) => text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean))
    .pipe(z.array(z.string().max(maxLength, `每行最多 ${maxLength} 个字 / At most ${maxLength} characters a line`)).max(max, `最多 ${max} 行 / At most ${max} lines`));

export const SPECIFICATION_ROWS = 10;

/**
 * The form's specification table comes as three parallel lists (name, value,
 * unit per row); blank rows are dropped, a half-filled row is an error.
 */
const specificationTable = z
  .object({ specName: formList, specValue: formList, specUnit: formList })
  .transform(({ specName, specValue, specUnit }, context) => {
    const rows = [];
    for (let index = 0; index < Math.max(specName.length, specValue.length); index += 1) {
      const name = (specName[index] ?? '').trim();
      const value = (specValue[index] ?? '').trim();
      const unit = (specUnit[index] ?? '').trim();
      if (!name && !value && !unit) continue;
      if (!name || !value) {
        context.addIssue({ code: 'custom', path: ['specifications'], message: `第 ${index + 1} 行需要同时填写名称和数值 / Row ${index + 1} needs both a name and a value` });
        continue;
      }
      if (name.length > 60 || value.length > 120 || unit.length > 30) {
        context.addIssue({ code: 'custom', path: ['specifications'], message: `第 ${index + 1} 行过长 / Row ${index + 1} is too long` });
        continue;
      }
      rows.push({ name, value, unit });
    }
    if (rows.length > SPECIFICATION_ROWS) context.addIssue({ code: 'custom', path: ['specifications'], message: `最多 ${SPECIFICATION_ROWS} 行 / At most ${SPECIFICATION_ROWS} rows` });
    return rows;
  });

export const capabilityForm = z
  .object({
    kind: z.string().trim().min(1, '请选择类别 / Choose a kind'),
    direction: z.enum(['civil-to-military', 'military-to-civil'], '请选择方向 / Choose a direction'),
    title: z.string().trim().min(4, '标题至少 4 个字 / At least 4 characters').max(120, '标题最多 120 个字 / At most 120 characters'),
    summary: z.string().trim().min(10, '摘要至少 10 个字 / At least 10 characters').max(500, '摘要最多 500 个字 / At most 500 characters'),
    description: z.string().trim().max(20_000, '详细介绍最多 20000 个字 / At most 20000 characters').default(''),
    industries: formList.pipe(
      z
        .array(z.string().trim().min(1))
        .min(1, '至少选择 1 个产业方向 / Choose at least one industry')
        .max(3, '最多选择 3 个产业方向 / Choose at most three industries'),
    ),
    keywords: separatedTerms(20, 30, '关键词'),
    trl: z
      .string()
      .default('')
      .transform((value) => (value.trim() === '' ? null : Number(value)))
      .pipe(z.number().int().min(1).max(9).nullable()),
    scenarios: lines(20, 200),
    qualificationIds: formList.pipe(z.array(z.string().regex(/^[a-f0-9]{24}$/, '无效的资质 / Invalid qualification')).max(20)),
    // A ticked checkbox sends `on`.
    declaration: z.string().optional().transform((value) => value === 'on'),
    action: z.enum(['draft', 'publish']).default('draft'),
  })
  .and(specificationTable.transform((specifications) => ({ specifications })))
  .superRefine((input, context) => {
    if (input.action === 'publish' && !input.declaration) {
      context.addIssue({ code: 'custom', path: ['declaration'], message: '发布前须声明内容不含涉密信息 / Declare that the listing contains no classified information before publishing' });
    }
  });

export type CapabilityInput = z.infer<typeof capabilityForm>;

export const capabilityParams = z.object({ id: z.string().regex(/^[a-f0-9]{24}$/, '没有这个能力 / No such capability') });

export const capabilityFileParams = capabilityParams.extend({ fileId: z.string().regex(/^[a-f0-9]{24}$/, '没有这个文件 / No such file') });

/** The two kinds of file a capability carries, each with its own upload form. */
export const CAPABILITY_FILE_KINDS = ['attachment', 'image'] as const;
export type CapabilityFileKind = (typeof CAPABILITY_FILE_KINDS)[number];

/** Attachments: PDF, images or Office documents up to 20 MB, finished with `refineDocument`. */
export const ATTACHMENT_UPLOAD: UploadPolicy = documentUpload('file');

/** Gallery pictures: PNG or JPEG up to 5 MB, judged by their content. */
export const IMAGE_UPLOAD: UploadPolicy = { field: 'image', types: [PNG_FILE, JPEG_FILE], maxBytes: 5 * MEGABYTE };

/** An attachment's form: the file (field `file`) and the poster's declaration. */
export const capabilityAttachmentForm = z.object({ declaration: declarationField, file: uploadField({ required: true }) });

/** An image's form: the picture (field `image`), its optional caption and the declaration. */
export const capabilityImageForm = z.object({
  declaration: declarationField,
  caption: z.string().trim().max(100, '说明最多 100 个字 / At most 100 characters').default(''),
  image: uploadField({ required: true }),
});
