import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from './errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export class CsrfError extends AppError {
  constructor() {
    super(403, 'csrf_invalid', '页面已过期，请刷新后重试 / The form has expired, please reload and try again');
  }
}

function sameToken(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

/**
 * Synchroniser-token CSRF protection for every state-changing request. The
 * token lives in the session and is created only when a page asks for it
 * (`csrfToken()` in views), so anonymous visitors browsing pages without forms
 * get no session. Multipart bodies are parsed later by the route's upload
 * middleware, so those forms carry the token in the header or the query string.
 */
export function csrfProtection(req: Request, res: Response, next: NextFunction): void {
  const session = req.session;
  res.locals.csrfToken = () => {
    session.csrfToken ??= randomBytes(32).toString('base64url');
    return session.csrfToken;
  };
  if (SAFE_METHODS.has(req.method)) return next();
  const expected = session.csrfToken;
  const multipart = req.is('multipart/form-data') === 'multipart/form-data';
  const given =
    req.get(CSRF_HEADER) ?? (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD] ?? (multipart ? req.query[CSRF_FIELD] : undefined);
  if (!expected || !sameToken(expected, given)) throw new CsrfError();
  next();
}
