import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { ForbiddenError, UnauthorizedError } from './errors';
import type { Actor, Role } from './actor';

const GUARD = Symbol('rongtong.guard');

type Guard = RequestHandler & { [GUARD]: string };

function markGuard(name: string, handler: RequestHandler): Guard {
  return Object.assign(handler, { [GUARD]: name });
}

export function isGuard(handler: unknown): handler is Guard {
  return typeof handler === 'function' && GUARD in handler;
}

export function actorOf(req: Request): Actor | null {
  return req.user ?? null;
}

export const publicRoute: Guard = markGuard('public', (_req, _res, next) => next());

export const requireUser: Guard = markGuard('user', (req: Request, _res: Response, next: NextFunction) => {
  if (!actorOf(req)) throw new UnauthorizedError();
  next();
});

export function requireRole(...roles: Role[]): Guard {
  return markGuard(`role:${roles.join('|')}`, (req: Request, _res: Response, next: NextFunction) => {
    const actor = actorOf(req);
    if (!actor) throw new UnauthorizedError();
    if (!actor.roles.some((role) => roles.includes(role))) throw new ForbiddenError();
    next();
  });
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * Makes "a route without an access guard" fail at start-up instead of in
 * production: every route registered on the returned router must name a guard
 * as its first handler.
 */
export function guardedRouter(router: Router): Router {
  for (const method of METHODS) {
    const register = router[method].bind(router) as (path: string, ...handlers: RequestHandler[]) => Router;
    (router as unknown as Record<string, unknown>)[method] = (path: string, ...handlers: RequestHandler[]) => {
      if (!isGuard(handlers[0])) {
        throw new Error(`Route ${method.toUpperCase()} ${path} has no access guard (publicRoute, requireUser or requireRole)`);
      }
      return register(path, ...handlers);
    };
  }
  return router;
}
