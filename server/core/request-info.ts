import type { Request } from 'express';

/** The client address for audit entries and throttles (behind a loopback proxy, the forwarded one). */
export function clientIp(req: Request): string {
  return req.ip ?? 'unknown';
}

/**
 * A notice shown after a redirect, named in the query string so no session
 * is needed for it; only names the page knows are shown.
 */
export function noticeOf(req: Request, known: ReadonlySet<string>): string | null {
  const notice = typeof req.query.notice === 'string' ? req.query.notice : '';
  return known.has(notice) ? notice : null;
}
