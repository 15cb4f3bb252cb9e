import fs from 'node:fs/promises';
import path from 'node:path';
import { seedsDir } from '../server/core/paths';
import type { TaxonomyService } from '../server/taxonomy';

async function readSeed(name: string): Promise<unknown> {
  return JSON.parse(await fs.readFile(path.join(seedsDir, name), 'utf8'));
}

/** Loads the canonical industry catalogue and its curated equivalents; safe to run at every start. */
export async function seedTaxonomy(taxonomy: TaxonomyService): Promise<{ inserted: number }> {
  return taxonomy.importCatalogue(await readSeed('taxonomy.json'), await readSeed('taxonomy-equivalents.json'));
}
