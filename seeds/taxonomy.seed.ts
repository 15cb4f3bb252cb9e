import fs from 'node:fs/promises';
import path from 'node:path';
import { seedsDir } from '../server/core/paths';
import type { TaxonomyService } from '../server/taxonomy';

/** Loads the canonical industry catalogue; safe to run at every start. */
export async function seedTaxonomy(taxonomy: TaxonomyService): Promise<{ inserted: number }> {
  const raw = JSON.parse(await fs.readFile(path.join(seedsDir, 'taxonomy.json'), 'utf8'));
  return taxonomy.importCatalogue(raw);
}
