import type { TaxonomyService } from '../taxonomy';
import { homeRoutes } from './home.routes';

export function createHomeFeature(taxonomy: TaxonomyService) {
  return { router: homeRoutes(taxonomy) };
}
