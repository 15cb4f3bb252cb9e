import type { Locale } from './i18n';

/**
 * Technology readiness levels as GB/T 22900 and the NASA/DoD scale define
 * them; needs ask for a minimum, capabilities state theirs, and both show the
 * definition so people rate the same way.
 */
const TRL_DEFINITIONS: Record<number, Record<Locale, string>> = {
  1: { zh: '发现并报告基本原理', en: 'Basic principles observed and reported' },
  2: { zh: '形成技术概念或应用设想', en: 'Technology concept or application formulated' },
  3: { zh: '关键功能和特性通过分析与实验得到概念验证', en: 'Analytical and experimental proof of concept of critical functions' },
  4: { zh: '部件或试验样机在实验室环境中验证', en: 'Component or breadboard validated in a laboratory environment' },
  5: { zh: '部件或试验样机在相关环境中验证', en: 'Component or breadboard validated in a relevant environment' },
  6: { zh: '系统或分系统原型在相关环境中演示', en: 'System or subsystem prototype demonstrated in a relevant environment' },
  7: { zh: '系统原型在实际使用环境中演示', en: 'System prototype demonstrated in an operational environment' },
  8: { zh: '实际系统完成并通过试验与鉴定', en: 'Actual system completed and qualified through test and demonstration' },
  9: { zh: '实际系统经过任务运行考核', en: 'Actual system proven in successful operations' },
};

export const TRL_LEVELS = [1, 2, 3, 4, 5, 6, 7, 8, 9] as const;

export function trlDefinition(level: number, locale: Locale): string {
  return TRL_DEFINITIONS[level]?.[locale] ?? '';
}

/** The options of a TRL select: `TRL 6 — 系统或分系统原型…`. */
export function trlOptions(locale: Locale): Array<{ value: number; label: string }> {
  return TRL_LEVELS.map((level) => ({ value: level, label: `TRL ${level} — ${trlDefinition(level, locale)}` }));
}
