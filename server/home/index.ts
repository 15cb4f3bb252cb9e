import { homeRoutes } from './home.routes';
import { createHomeService, type HomeServiceDeps } from './home.service';

export function createHomeFeature(deps: HomeServiceDeps) {
  return { router: homeRoutes(createHomeService(deps)) };
}

export type { HomeNeed, LatestPublicNeeds } from './home.service';
