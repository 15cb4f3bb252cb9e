import regions from '../../seeds/regions.json';
import { createRegionsService } from './regions.service';

export function createRegionsFeature() {
  return { service: createRegionsService(regions) };
}

export type { RegionsService, Province } from './regions.service';
