import type { Connection } from 'mongoose';
import type { AuditService } from '../audit';
import type { MailService } from '../mail';
import type { OrganisationService } from '../organisations';
import type { RegionsService } from '../regions';
import type { TaxonomyService } from '../taxonomy';
import { createAccountTokens } from './account-tokens';
import { accountTokenModel, loginThrottleModel, userModel } from './accounts.model';
import { accountsRoutes } from './accounts.routes';
import { createAccountsService } from './accounts.service';
import { createAuthentication } from './accounts.session';
import { createAuthService } from './auth.service';
import { createLoginThrottle } from './login-throttle';

export function createAccountsFeature(deps: {
  connection: Connection;
  organisations: OrganisationService;
  regions: RegionsService;
  taxonomy: TaxonomyService;
  audit: AuditService;
  mail: MailService;
}) {
  const users = userModel(deps.connection);
  const tokens = createAccountTokens(accountTokenModel(deps.connection));
  const throttle = createLoginThrottle(loginThrottleModel(deps.connection));
  const auth = createAuthService({ users, tokens, throttle, audit: deps.audit, mail: deps.mail });
  const service = createAccountsService({ users, tokens, throttle, organisations: deps.organisations, audit: deps.audit, mail: deps.mail });
  return {
    service,
    auth,
    /** Passport and the routes are per app, so two apps on one platform (tests) never share state. */
    web() {
      const authentication = createAuthentication(auth);
      const router = accountsRoutes({ accounts: service, auth, authentication, organisations: deps.organisations, regions: deps.regions, taxonomy: deps.taxonomy });
      return { middleware: authentication.middleware(), router };
    },
  };
}

export type { AccountsService, Person } from './accounts.service';
export type { AuthService, SessionAccount } from './auth.service';
export { TWO_FACTOR_ROLES } from './auth.service';
export type { CurrentUserView } from './accounts.presenter';
