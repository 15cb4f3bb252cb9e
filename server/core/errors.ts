/**
 * The one error family. `code` is stable and machine-readable (API clients and
 * tests match on it); `message` is for people and may be localised later.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends AppError {
  constructor(message = '页面不存在 / Not found', details?: Record<string, unknown>) {
    super(404, 'not_found', message, details);
  }
}

export class ValidationError extends AppError {
  constructor(
    readonly fieldErrors: Record<string, string[]>,
    message = '提交的内容有误 / Invalid input',
  ) {
    super(422, 'validation_failed', message, { fieldErrors });
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = '请先登录 / Sign-in required') {
    super(401, 'unauthenticated', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = '无权访问 / Forbidden') {
    super(403, 'forbidden', message);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(409, code, message, details);
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(code: string, message: string) {
    super(503, code, message);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
