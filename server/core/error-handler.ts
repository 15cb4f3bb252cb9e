import fs from 'node:fs';
import path from 'node:path';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { AppError, NotFoundError, isAppError } from './errors';
import { viewsDir } from './paths';

function wantsJson(req: Request): boolean {
  return req.path === '/api' || req.path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json';
}

const errorViews = new Set(
  fs.existsSync(path.join(viewsDir, 'errors'))
    ? fs.readdirSync(path.join(viewsDir, 'errors')).map((file) => path.basename(file, '.ejs'))
    : [],
);

/** Express's body parser and others signal client errors with `status`/`type`. */
function fromFrameworkError(error: unknown): AppError | undefined {
  const candidate = error as { status?: unknown; statusCode?: unknown; type?: unknown; message?: unknown };
  const status = typeof candidate?.status === 'number' ? candidate.status : candidate?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = typeof candidate.type === 'string' ? candidate.type.replace(/\./g, '_') : 'bad_request';
    return new AppError(status, code, String(candidate.message ?? 'Bad request'));
  }
  return undefined;
}

export const notFoundHandler: RequestHandler = (req) => {
  throw new NotFoundError(undefined, { path: req.path });
};

export const errorHandler: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) return next(error);
  const appError = isAppError(error) ? error : fromFrameworkError(error);
  const status = appError?.status ?? 500;
  const requestId = String(req.id ?? '');
  if (status >= 500) req.log?.error({ err: error }, 'request failed');

  const body = appError
    ? { error: { code: appError.code, message: appError.message, ...(appError.details ?? {}) }, requestId }
    : { error: { code: 'internal_error', message: 'Internal server error' }, requestId };

  res.status(status);
  if (wantsJson(req)) {
    res.json(body);
    return;
  }
  const view = errorViews.has(String(status)) ? String(status) : status >= 500 ? '500' : 'generic';
  res.render(`errors/${view}`, { status, error: body.error, requestId });
};
