import { MongoClient, type Db } from 'mongodb';
import { z } from 'zod';
import regions from '../../seeds/regions.json';
import type { CapabilityIndexInput } from '../capabilities/capability.mapper';
import type { MatchNeed } from './match.query';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a day as YYYY-MM-DD');

const qualificationSchema = z.object({
  type: z.string().min(1),
  level: z.string().min(1).optional(),
  validUntil: day,
  verified: z.boolean(),
});

const organisationSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  kind: z.string().min(1),
  region: z.string().default(''),
  verified: z.boolean().default(true),
  qualifications: z.array(qualificationSchema).default([]),
});

const capabilitySchema = z.object({
  id: z.string().min(1),
  organisation: z.string().min(1),
  kind: z.string().min(1),
  direction: z.string().min(1),
  title: z.string().min(1),
  summary: z.string().default(''),
  description: z.string().default(''),
  industries: z.array(z.string()).default([]),
  trl: z.number().int().min(1).max(9).nullable().default(null),
  keywords: z.array(z.string()).default([]),
});

const needSchema = z.object({
  id: z.string().min(1),
  organisation: z.string().min(1),
  kind: z.string().min(1),
  title: z.string().min(1),
  summary: z.string().default(''),
  description: z.string().default(''),
  keywords: z.array(z.string()).default([]),
  industries: z.array(z.string()).default([]),
  requirements: z
    .object({
      qualifications: z.array(z.object({ type: z.string().min(1), minLevel: z.string().min(1).optional() })).default([]),
      minTrl: z.number().int().min(1).max(9).optional(),
      preferredRegions: z.array(z.string()).default([]),
    })
    .default({ qualifications: [], preferredRegions: [] }),
});

/** The evaluation dataset format of /work/shared/eval/FORMAT.md. */
export const matchingDatasetSchema = z
  .object({
    name: z.string().min(1),
    asOf: day,
    organisations: z.array(organisationSchema),
    capabilities: z.array(capabilitySchema),
    needs: z.array(needSchema).min(1),
    judgments: z.record(z.string(), z.record(z.string(), z.number().int().min(0).max(3))),
  })
  .superRefine((dataset, ctx) => {
    const organisations = new Set(dataset.organisations.map((organisation) => organisation.id));
    const capabilities = new Set(dataset.capabilities.map((capability) => capability.id));
    dataset.capabilities.forEach((capability, i) => {
      if (!organisations.has(capability.organisation)) ctx.addIssue({ code: 'custom', path: ['capabilities', i, 'organisation'], message: `unknown organisation ${capability.organisation}` });
    });
    for (const [needId, grades] of Object.entries(dataset.judgments)) {
      for (const capabilityId of Object.keys(grades)) {
        if (!capabilities.has(capabilityId)) ctx.addIssue({ code: 'custom', path: ['judgments', needId, capabilityId], message: `unknown capability ${capabilityId}` });
      }
    }
  });

export type MatchingDataset = z.infer<typeof matchingDatasetSchema>;
export type DatasetOrganisation = MatchingDataset['organisations'][number];

export function parseMatchingDataset(raw: unknown): MatchingDataset {
  const parsed = matchingDatasetSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`invalid matching dataset:\n  ${issues.join('\n  ')}`);
  }
  return parsed.data;
}

function provinceOf(region: string): string | null {
  return regions.provinces.find((province) => region.startsWith(province.zh))?.zh ?? null;
}

/**
 * The one place that knows how evaluation data reaches the store and comes
 * back as indexing input and needs. It writes plain collections through the
 * driver today; when the organisations, capabilities and needs features exist
 * it should go through their services instead, and nothing else changes.
 */
export interface MatchingStore {
  capabilityInputs(): Promise<CapabilityIndexInput[]>;
  needs(): Promise<MatchNeed[]>;
  /** Organisation qualifications and capability TRL as stored, for the eligibility re-check. */
  /** What eligibility is decided on, for the capabilities found: two queries whatever their number. */
  eligibilityFacts(capabilityIds: string[]): Promise<Map<string, { qualifications: DatasetOrganisation['qualifications']; trl: number | null }>>;
  close(): Promise<void>;
}

export async function loadMatchingDataset(uri: string, dataset: MatchingDataset): Promise<MatchingStore> {
  const client = await MongoClient.connect(uri);
  const db: Db = client.db('matching_evaluation');
  const loadedAt = new Date();
  await db.collection('organisations').insertMany(
    dataset.organisations.map((organisation) => ({ _id: organisation.id as never, ...organisation, province: provinceOf(organisation.region), updatedAt: loadedAt })),
  );
  if (dataset.capabilities.length > 0) {
    await db.collection('capabilities').insertMany(dataset.capabilities.map((capability) => ({ _id: capability.id as never, ...capability, publishedAt: loadedAt, updatedAt: loadedAt })));
  }
  await db.collection('needs').insertMany(dataset.needs.map((need) => ({ _id: need.id as never, ...need })));

  const organisations = new Map<string, DatasetOrganisation & { province: string | null; updatedAt: Date }>();
  for (const organisation of await db.collection('organisations').find().toArray()) {
    organisations.set(String(organisation._id), organisation as unknown as DatasetOrganisation & { province: string | null; updatedAt: Date });
  }
  type StoredCapability = MatchingDataset['capabilities'][number] & { publishedAt: Date; updatedAt: Date };
  const capabilities = new Map<string, StoredCapability>();
  for (const capability of await db.collection('capabilities').find().toArray()) capabilities.set(String(capability._id), capability as unknown as StoredCapability);

  return {
    async capabilityInputs() {
      return [...capabilities.values()].map((capability) => {
        const organisation = organisations.get(capability.organisation)!;
        return {
          capability: {
            id: capability.id,
            kind: capability.kind,
            direction: capability.direction,
            title: capability.title,
            summary: capability.summary,
            description: capability.description,
            keywords: capability.keywords,
            industries: capability.industries,
            trl: capability.trl,
            publishedAt: capability.publishedAt,
            updatedAt: capability.updatedAt,
          },
          organisation: { id: organisation.id, kind: organisation.kind, province: organisation.province, verified: organisation.verified, updatedAt: organisation.updatedAt },
          qualifications: organisation.qualifications,
        };
      });
    },
    async needs() {
      const stored = await db.collection('needs').find().toArray();
      return (stored as unknown as MatchingDataset['needs']).map((need) => ({
        id: need.id,
        title: need.title,
        summary: need.summary,
        description: need.description,
        keywords: need.keywords,
        industries: need.industries,
        requirements: {
          qualifications: need.requirements.qualifications.map((requirement) => ({ type: requirement.type, minLevel: requirement.minLevel ?? null })),
          minTrl: need.requirements.minTrl ?? null,
          preferredRegions: need.requirements.preferredRegions,
        },
      }));
    },
    async eligibilityFacts(capabilityIds) {
      const found = await db.collection('capabilities').find({ _id: { $in: capabilityIds as never[] } }, { projection: { organisation: 1, trl: 1 } }).toArray();
      const owners = [...new Set(found.map((capability) => capability.organisation as string))];
      const organisations = new Map<string, DatasetOrganisation['qualifications']>();
      for (const organisation of await db.collection('organisations').find({ _id: { $in: owners as never[] } }, { projection: { qualifications: 1 } }).toArray()) {
        organisations.set(String(organisation._id), organisation.qualifications as DatasetOrganisation['qualifications']);
      }
      const facts = new Map<string, { qualifications: DatasetOrganisation['qualifications']; trl: number | null }>();
      for (const capability of found) {
        const qualifications = organisations.get(capability.organisation as string);
        if (qualifications) facts.set(String(capability._id), { qualifications, trl: (capability.trl as number | null) ?? null });
      }
      return facts;
    },
    close: () => client.close(),
  };
}
