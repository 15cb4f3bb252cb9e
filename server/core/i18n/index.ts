import type { NextFunction, Request, Response } from 'express';
import { en } from './en.messages';
import { zh, type MessageKey } from './zh.messages';

export const LOCALES = ['zh', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh';
export const LOCALE_COOKIE = 'lang';

const catalogues: Record<Locale, Record<MessageKey, string>> = { zh, en };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  const catalogue = catalogues[locale];
  return (key, params) => {
    const text = catalogue[key] ?? zh[key] ?? key;
    return params ? text.replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole)) : text;
  };
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** Chinese unless the visitor chose English (the choice is kept in a cookie). */
export function localeMiddleware(req: Request, res: Response, next: NextFunction): void {
  const chosen = readCookie(req.headers.cookie, LOCALE_COOKIE);
  const locale = isLocale(chosen) ? chosen : DEFAULT_LOCALE;
  res.locals.locale = locale;
  res.locals.htmlLang = locale === 'zh' ? 'zh-CN' : 'en';
  res.locals.t = translator(locale);
  next();
}

export type { MessageKey };
