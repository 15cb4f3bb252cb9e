import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Config } from './core/config';
import type { Store } from './core/db';
import { errorHandler, notFoundHandler } from './core/error-handler';
import { csrfProtection } from './core/csrf';
import { localeMiddleware } from './core/i18n';
import type { Logger } from './core/logger';
import { publicDir, viewsDir } from './core/paths';
import { requestLogger } from './core/request-context';
import { absoluteSessionTimeout, sessionMiddleware } from './core/session';
import type { Features } from './features';
import { createHealthFeature } from './health';
import { createHomeFeature } from './home';
import type { SearchEngine } from '../search';

export interface AppDeps {
  config: Config;
  logger: Logger;
  store: Store;
  search: SearchEngine;
  features: Features;
  sessionSecret: string;
}

/** Builds the Express application; never listens or connects (main.ts does). */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('views', viewsDir);
  app.set('view engine', 'ejs');
  app.set('trust proxy', 'loopback');

  app.use(requestLogger(deps.logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'object-src': ["'none'"],
          'frame-ancestors': ["'none'"],
          'upgrade-insecure-requests': deps.config.env === 'production' ? [] : null,
        },
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use('/static', express.static(publicDir, { maxAge: deps.config.env === 'production' ? '7d' : 0, index: false }));
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  app.use('/api', express.json({ limit: '1mb' }));
  app.use(localeMiddleware);
  app.use((req, res, next) => {
    res.locals.currentPath = req.path;
    res.locals.requestId = req.id;
    next();
  });
  app.use(sessionMiddleware({ config: deps.config, connection: deps.store.connection, secret: deps.sessionSecret }));
  app.use(absoluteSessionTimeout(deps.config));
  app.use(csrfProtection);
  const { accounts, audit, mail, organisations, qualifications, profiles, files } = deps.features;
  const accountsWeb = accounts.web();
  app.use(accountsWeb.middleware);

  const { taxonomy } = deps.features;
  const health = createHealthFeature([
    { name: 'store', critical: true, health: () => deps.store.health() },
    { name: 'search', critical: false, health: () => deps.search.health() },
  ]);
  const home = createHomeFeature({
    taxonomy: taxonomy.service,
    capabilities: deps.features.capabilities.service,
    organisations: organisations.service,
    qualifications: qualifications.service,
    needs: deps.features.needs.service,
  });

  app.use(health.router);
  app.use(home.router);
  app.use(taxonomy.router);
  app.use(accountsWeb.router);
  app.use(organisations.router);
  app.use(qualifications.router);
  app.use(profiles.router);
  app.use(files.router);
  app.use(deps.features.capabilities.router);
  app.use(deps.features.needs.router);
  app.use(deps.features.matching.router);
  app.use(deps.features.inbox.router);
  app.use(deps.features.alerts.router);
  app.use(deps.features.screening.router);
  app.use(deps.features.searchPages.router);
  app.use(audit.router);
  app.use(mail.router);

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
