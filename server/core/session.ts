import { promisify } from 'node:util';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import MongoStore from 'connect-mongo';
import type { Connection } from 'mongoose';
import type { Config } from './config';

declare module 'express-session' {
  interface SessionData {
    csrfToken: string;
    /** Set at sign-in; the absolute timeout counts from here. */
    authenticatedAt: number;
  }
}

export const SESSION_COOKIE = 'rongtong.sid';
export const SESSIONS_COLLECTION = 'sessions';

/**
 * Sessions live in MongoDB through the app's own connection. The cookie's
 * rolling max-age is the idle timeout; connect-mongo stores the same expiry
 * and ignores expired sessions, so the server enforces it too.
 */
export function sessionMiddleware(deps: { config: Config; connection: Connection; secret: string }): RequestHandler {
  const idleMs = deps.config.session.idleTimeoutMinutes * 60_000;
  const store = MongoStore.create({
    client: deps.connection.getClient(),
    dbName: deps.connection.name,
    collectionName: SESSIONS_COLLECTION,
    stringify: false,
    // The TTL index is created by ensureSessionStore at start-up, awaited, not in the background here.
    autoRemove: 'disabled',
  });
  const httpsOnly = deps.config.http.publicUrl?.startsWith('https:') ?? false;
  return session({
    name: SESSION_COOKIE,
    secret: deps.secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: httpsOnly ? true : 'auto', maxAge: idleMs },
  });
}

/** Expired sessions are removed by the store's TTL monitor (MongoDB or the built-in one). */
export async function ensureSessionStore(connection: Connection): Promise<void> {
  await connection.db!.collection(SESSIONS_COLLECTION).createIndex({ expires: 1 }, { expireAfterSeconds: 0 });
}

/** Ends a signed-in session that has outlived the absolute timeout, however active it was. */
export function absoluteSessionTimeout(config: Config): RequestHandler {
  const limitMs = config.session.absoluteTimeoutHours * 3_600_000;
  return async (req: Request, _res: Response, next: NextFunction) => {
    const startedAt = req.session?.authenticatedAt;
    if (startedAt !== undefined && Date.now() - startedAt > limitMs) {
      await promisify(req.session.regenerate.bind(req.session))();
    }
    next();
  };
}
