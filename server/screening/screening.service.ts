import type { Actor } from '../core/actor';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../core/errors';
import type { AuditService } from '../audit';
import type { SensitiveTermModel, SensitiveTermRecord, TermAction } from './screening.model';
import type { TermInput } from './screening.schemas';

export interface SensitiveTerm {
  id: string;
  term: string;
  match: 'literal' | 'pattern';
  action: TermAction;
  note: string;
  builtIn: boolean;
}

/** One piece of text to screen: `field` is the form field errors are reported on. */
export interface ScreenedText {
  field: string;
  text: string;
}

export interface ScreeningFinding {
  field: string;
  /** What was found in the text, as it was written. */
  found: string;
  /** The rule that found it (the term, or the marking pattern's description). */
  rule: string;
  action: TermAction;
}

export interface ScreeningResult {
  rejected: ScreeningFinding[];
  held: ScreeningFinding[];
}

/**
 * The defaults loaded into an empty list. Markings with ★ and the English
 * classification words in capitals are refused outright; the bare Chinese
 * words are held for an organiser because they also occur innocently
 * (机密性 "confidentiality", 商业秘密 "trade secret", 内部结构 is not listed at all).
 */
export const DEFAULT_TERMS: ReadonlyArray<Omit<SensitiveTerm, 'id' | 'builtIn'>> = [
  { term: '(?:绝密|机密|秘密|内部)\\s*[★☆*＊]', match: 'pattern', action: 'reject', note: '密级标志（★） / classification marking with a star' },
  { term: '\\bTOP\\s+SECRET\\b', match: 'pattern', action: 'reject', note: 'TOP SECRET marking' },
  { term: '\\bSECRET\\b', match: 'pattern', action: 'reject', note: 'SECRET marking (capitals)' },
  { term: '\\bCONFIDENTIAL\\b', match: 'pattern', action: 'reject', note: 'CONFIDENTIAL marking (capitals)' },
  { term: '\\bRESTRICTED\\b', match: 'pattern', action: 'hold', note: 'RESTRICTED marking (capitals)' },
  { term: '绝密', match: 'literal', action: 'reject', note: '密级 / classification level' },
  { term: '机密', match: 'literal', action: 'hold', note: '密级，也见于“机密性” / classification level, also in 机密性' },
  { term: '秘密', match: 'literal', action: 'hold', note: '密级，也见于“商业秘密” / classification level, also in 商业秘密' },
  { term: '内部资料', match: 'literal', action: 'hold', note: '内部标志 / internal-use marking' },
  { term: '内部文件', match: 'literal', action: 'hold', note: '内部标志 / internal-use marking' },
  { term: '内部使用', match: 'literal', action: 'hold', note: '内部标志 / internal-use marking' },
  { term: '国家秘密', match: 'literal', action: 'reject', note: '国家秘密 / state secret' },
];

function toTerm(record: SensitiveTermRecord): SensitiveTerm {
  return { id: record._id.toHexString(), term: record.term, match: record.match, action: record.action, note: record.note, builtIn: record.builtIn };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function matcherOf(term: SensitiveTerm): RegExp {
  return term.match === 'pattern' ? new RegExp(term.term, 'gu') : new RegExp(escapeRegex(term.term), 'giu');
}

function isOrganiser(actor: Actor | null): actor is Actor {
  return Boolean(actor?.roles.some((role) => role === 'organiser' || role === 'platform-admin'));
}

export function findingMessage(finding: ScreeningFinding): string {
  return finding.action === 'reject'
    ? `含有密级标志或敏感词“${finding.found}”（规则：${finding.rule}），请删除后再提交 / Contains the classification marking or sensitive term “${finding.found}” (rule: ${finding.rule}); remove it before submitting`
    : `含有敏感词“${finding.found}”（规则：${finding.rule}），提交后须经组织者保密审查 / Contains the sensitive term “${finding.found}” (rule: ${finding.rule}); an organiser will review it before publication`;
}

/**
 * The confidentiality screen every submission passes through (needs,
 * capabilities): text fields and attachment names are checked against the
 * sensitive-term list kept in MongoDB and edited by organisers.
 */
export function createScreeningService(deps: { terms: SensitiveTermModel; audit: AuditService }) {
  const { terms, audit } = deps;

  async function screen(texts: ScreenedText[]): Promise<ScreeningResult> {
    const rules = (await terms.find().lean<SensitiveTermRecord[]>()).map(toTerm);
    const result: ScreeningResult = { rejected: [], held: [] };
    const seen = new Set<string>();
    for (const { field, text } of texts) {
      if (!text) continue;
      for (const rule of rules) {
        for (const match of text.matchAll(matcherOf(rule))) {
          const key = `${field}\u0000${rule.id}\u0000${match[0]}`;
          if (seen.has(key)) continue;
          seen.add(key);
          result[rule.action === 'reject' ? 'rejected' : 'held'].push({ field, found: match[0], rule: rule.note || rule.term, action: rule.action });
        }
      }
    }
    return result;
  }

  return {
    /** Loads the default list into an empty collection; the organisers' edits survive restarts. */
    async ensureDefaults(): Promise<{ inserted: number }> {
      if ((await terms.estimatedDocumentCount()) > 0) return { inserted: 0 };
      await terms.insertMany(DEFAULT_TERMS.map((term) => ({ ...term, builtIn: true })));
      return { inserted: DEFAULT_TERMS.length };
    },

    screen,

    /**
     * Screens and refuses the submission when a `reject` rule matched, with
     * each finding reported on its field; returns what is held for review.
     */
    async enforce(texts: ScreenedText[]): Promise<ScreeningFinding[]> {
      const result = await screen(texts);
      if (result.rejected.length) {
        const fieldErrors: Record<string, string[]> = {};
        for (const finding of result.rejected) (fieldErrors[finding.field] ??= []).push(findingMessage(finding));
        throw new ValidationError(fieldErrors, '提交内容未通过保密检查 / The submission did not pass the confidentiality screen');
      }
      return result.held;
    },

    async list(actor: Actor | null): Promise<SensitiveTerm[]> {
      if (!isOrganiser(actor)) throw new ForbiddenError();
      return (await terms.find().sort({ builtIn: -1, term: 1 }).lean<SensitiveTermRecord[]>()).map(toTerm);
    },

    async add(actor: Actor | null, input: TermInput, ip?: string): Promise<SensitiveTerm> {
      if (!isOrganiser(actor)) throw new ForbiddenError();
      if (await terms.exists({ term: input.term, match: 'literal' })) {
        throw new ValidationError({ term: ['该敏感词已在列表中 / The term is already listed'] });
      }
      const record = await terms.create({ term: input.term, match: 'literal', action: input.action, note: input.note, builtIn: false, createdBy: actor.id });
      const term = toTerm(record.toObject());
      await audit.record({ actor, action: 'screening.term-added', target: { type: 'sensitive-term', id: term.id, label: term.term }, details: { action: term.action }, ip });
      return term;
    },

    async remove(actor: Actor | null, id: string, ip?: string): Promise<void> {
      if (!isOrganiser(actor)) throw new ForbiddenError();
      const record = await terms.findById(id).lean<SensitiveTermRecord>();
      if (!record) throw new NotFoundError('没有这个敏感词 / No such term', { id });
      if ((await terms.estimatedDocumentCount()) <= 1) throw new ConflictError('last_term', '敏感词列表不能为空 / The list cannot be empty');
      await terms.deleteOne({ _id: record._id });
      await audit.record({ actor, action: 'screening.term-removed', target: { type: 'sensitive-term', id, label: record.term }, details: { action: record.action, match: record.match }, ip });
    },
  };
}

export type ScreeningService = ReturnType<typeof createScreeningService>;
