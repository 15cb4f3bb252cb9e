import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Client } from 'typesense';
import { capabilityCollection } from '../search/capabilities/capability.collection';
import { toCapabilityDocument, type CapabilityIndexInput, type CapabilitySearchDocument } from '../search/capabilities/capability.mapper';
import { startEmbeddedTypesense, type EmbeddedTypesense } from '../search/embedded';
import { eligibilityFilter, type MatchNeed } from '../search/matching/match.query';
import { findMatches } from '../search/matching/matcher';
import { collectionSchema } from '../search/search-collection';
import { checkEligibility, type HeldQualification, type NeedRequirements } from '../server/matching/eligibility';
import { QUALIFICATION_TYPES } from '../server/qualifications/qualification-catalogue';

const asOf = '2027-03-15';
const held = (type: string, level: string | undefined, validUntil: string, verified = true): HeldQualification => ({ type, level: level ?? null, validUntil, verified });
const needing = (type: string, minLevel?: string, minTrl?: number): NeedRequirements => ({ qualifications: [{ type, minLevel: minLevel ?? null }], minTrl: minTrl ?? null });

describe('matching eligibility', () => {
  it('counts a qualification that expires on the as-of day as valid', () => {
    const result = checkEligibility(needing('secrecy', '3'), [held('secrecy', '3', '2027-03-15')], 8, asOf);
    assert.deepEqual(result, { eligible: true, unmet: [] });
  });

  it('refuses a qualification that expired the day before', () => {
    const result = checkEligibility(needing('secrecy', '3'), [held('secrecy', '3', '2027-03-14')], 8, asOf);
    assert.equal(result.eligible, false);
    assert.deepEqual(result.unmet, [{ kind: 'qualification', type: 'secrecy', minLevel: '3', reason: 'expired' }]);
  });

  it('refuses an unverified qualification however high and long-lived', () => {
    const result = checkEligibility(needing('secrecy', '3'), [held('secrecy', '1', '2030-12-31', false)], 8, asOf);
    assert.deepEqual(result.unmet, [{ kind: 'qualification', type: 'secrecy', minLevel: '3', reason: 'unverified' }]);
  });

  it('names a level below the requirement and a qualification not held at all', () => {
    const result = checkEligibility({ qualifications: [{ type: 'secrecy', minLevel: '2' }, { type: 'gjb-quality' }] }, [held('secrecy', '3', '2030-12-31')], 8, asOf);
    assert.deepEqual(result.unmet, [
      { kind: 'qualification', type: 'secrecy', minLevel: '2', reason: 'level' },
      { kind: 'qualification', type: 'gjb-quality', minLevel: null, reason: 'missing' },
    ]);
  });

  it('lets a valid lower level meet a requirement that a lapsed higher level no longer does', () => {
    const holdings = [held('secrecy', '2', '2026-04-30'), held('secrecy', '3', '2028-10-31')];
    assert.equal(checkEligibility(needing('secrecy', '3'), holdings, 8, asOf).eligible, true);
    assert.deepEqual(checkEligibility(needing('secrecy', '2'), holdings, 8, asOf).unmet, [{ kind: 'qualification', type: 'secrecy', minLevel: '2', reason: 'expired' }]);
  });

  for (const type of QUALIFICATION_TYPES) {
    it(`orders ${type.code} as the catalogue does`, () => {
      if (type.levels.length === 0) {
        assert.equal(checkEligibility(needing(type.code), [held(type.code, undefined, '2030-01-01')], 8, asOf).eligible, true);
        assert.equal(checkEligibility(needing(type.code), [], 8, asOf).eligible, false);
        return;
      }
      // Catalogue order is highest first: holding index h meets requirement index r exactly when h <= r.
      type.levels.forEach((holding, h) => {
        type.levels.forEach((required, r) => {
          const result = checkEligibility(needing(type.code, required.code), [held(type.code, holding.code, '2030-01-01')], 8, asOf);
          assert.equal(result.eligible, h <= r, `${type.code}: holding ${holding.code} for ${required.code}`);
        });
        assert.equal(checkEligibility(needing(type.code), [held(type.code, holding.code, '2030-01-01')], 8, asOf).eligible, true);
      });
    });
  }

  it('never meets a requirement of a type the catalogue does not know', () => {
    const result = checkEligibility(needing('no-such-type'), [held('no-such-type', undefined, '2030-01-01')], 8, asOf);
    assert.deepEqual(result.unmet, [{ kind: 'qualification', type: 'no-such-type', minLevel: null, reason: 'missing' }]);
  });

  it('accepts a TRL equal to the minimum and refuses one below it or none', () => {
    const requirements: NeedRequirements = { qualifications: [], minTrl: 7 };
    assert.equal(checkEligibility(requirements, [], 7, asOf).eligible, true);
    assert.deepEqual(checkEligibility(requirements, [], 6, asOf).unmet, [{ kind: 'trl', minTrl: 7, trl: 6 }]);
    assert.deepEqual(checkEligibility(requirements, [], null, asOf).unmet, [{ kind: 'trl', minTrl: 7, trl: null }]);
    assert.equal(checkEligibility({ qualifications: [] }, [], null, asOf).eligible, true);
  });

  it('refuses a day that is not YYYY-MM-DD rather than comparing it wrongly', () => {
    assert.throws(() => checkEligibility(needing('secrecy', '3'), [], 8, '15/03/2027'), /calendar day/);
  });
});

describe('matching eligibility in the index', () => {
  let engine: EmbeddedTypesense;
  let client: Client;
  const holdings: Record<string, HeldQualification[]> = {
    'today-3': [held('secrecy', '3', '2027-03-15')],
    'yesterday-3': [held('secrecy', '3', '2027-03-14')],
    'unverified-1': [held('secrecy', '1', '2030-12-31', false)],
    'lapsed-2-valid-3': [held('secrecy', '2', '2026-04-30'), held('secrecy', '3', '2028-10-31')],
    'licence-I': [held('production-licence', 'I', '2029-01-01'), held('gjb-quality', undefined, '2029-01-01')],
    'licence-II': [held('production-licence', 'II', '2029-01-01')],
    none: [],
  };
  const trls = [5, 6, 7, 9];
  const inputs: CapabilityIndexInput[] = Object.entries(holdings).flatMap(([name, qualifications]) =>
    trls.map((trl) => ({
      capability: {
        id: `${name}-trl${trl}`, kind: 'product', direction: 'civil-to-military', title: '舰载复合材料天线罩', summary: '', description: '',
        keywords: ['天线罩'], industries: ['maritime.composite-structures'], trl, publishedAt: new Date('2027-01-01'), updatedAt: new Date('2027-01-01'),
      },
      organisation: { id: name, kind: 'enterprise', province: '湖北省', verified: true, updatedAt: new Date('2027-01-01') },
      qualifications,
    })),
  );
  const facts = new Map(inputs.map((input) => [input.capability.id, input]));

  before(async () => {
    engine = await startEmbeddedTypesense({ apiKey: randomBytes(16).toString('hex') });
    client = new Client({ nodes: [{ protocol: 'http', host: engine.host, port: engine.port }], apiKey: engine.apiKey, logLevel: 'silent' });
    await client.collections().create(collectionSchema(capabilityCollection, capabilityCollection.name));
    await client.collections(capabilityCollection.name).documents().import(inputs.map(toCapabilityDocument), { action: 'create' });
  });

  after(async () => {
    await engine?.close();
  });

  const cases: NeedRequirements[] = [
    needing('secrecy', '3', 6),
    needing('secrecy', '2'),
    needing('secrecy', '1', 9),
    needing('production-licence', 'II', 7),
    needing('production-licence', 'I'),
    { qualifications: [{ type: 'production-licence', minLevel: 'II' }, { type: 'gjb-quality' }], minTrl: 6 },
    { qualifications: [], minTrl: 7 },
  ];

  for (const requirements of cases) {
    it(`filters exactly what checkEligibility accepts: ${JSON.stringify(requirements)}`, async () => {
      const { filter } = eligibilityFilter(requirements, asOf);
      const response = await client.collections<CapabilitySearchDocument>(capabilityCollection.name).documents().search({ q: '*', filter_by: filter, per_page: 250 });
      const indexed = (response.hits ?? []).map((hit) => hit.document.id).sort();
      const expected = inputs
        .filter((input) => checkEligibility(requirements, input.qualifications, input.capability.trl, asOf).eligible)
        .map((input) => input.capability.id)
        .sort();
      assert.deepEqual(indexed, expected);
    });
  }

  it('shows only re-checked matches and names what keeps the near misses out', async () => {
    const need: MatchNeed = {
      id: 'need', title: '复合材料天线罩', summary: '', description: '舰载天线罩', keywords: [], industries: ['maritime.composite-structures'],
      requirements: needing('secrecy', '3', 7),
    };
    const recheck = async (ids: string[]) =>
      ids.map((id) => {
        const input = facts.get(id)!;
        return checkEligibility(need.requirements, input.qualifications, input.capability.trl, asOf);
      });
    const outcome = await findMatches(client, need, { asOf, limit: 50, nearMissLimit: 50, recheck });
    assert.deepEqual(outcome.matches.map((match) => match.capabilityId).sort(), ['lapsed-2-valid-3-trl7', 'lapsed-2-valid-3-trl9', 'today-3-trl7', 'today-3-trl9']);
    assert.deepEqual(outcome.refused, []);
    for (const match of outcome.matches) assert.ok(match.requirements.every((entry) => entry.met));
    const ineligible = inputs.map((input) => input.capability.id).filter((id) => !outcome.matches.some((match) => match.capabilityId === id));
    assert.deepEqual(outcome.nearMisses.map((miss) => miss.capabilityId).sort(), ineligible.sort());
    const missing = new Map(outcome.nearMisses.map((miss) => [miss.capabilityId, miss.missing]));
    assert.deepEqual(missing.get('yesterday-3-trl9'), [{ kind: 'qualification', type: 'secrecy', minLevel: '3' }]);
    assert.deepEqual(missing.get('today-3-trl6'), [{ kind: 'trl', minTrl: 7 }]);
    assert.deepEqual(missing.get('unverified-1-trl5'), [{ kind: 'qualification', type: 'secrecy', minLevel: '3' }, { kind: 'trl', minTrl: 7 }]);
  });

  it('drops a result the index lets through when the re-check refuses it', async () => {
    const need: MatchNeed = { id: 'need', title: '天线罩', summary: '', description: '', keywords: [], industries: [], requirements: { qualifications: [] } };
    const outcome = await findMatches(client, need, { asOf, limit: 50, recheck: async (ids) => ids.map((id) => ({ eligible: !id.startsWith('none-'), unmet: [] })) });
    assert.equal(outcome.matches.length, inputs.length - trls.length);
    assert.ok(outcome.matches.every((match) => !match.capabilityId.startsWith('none-')));
    assert.deepEqual(outcome.refused.sort(), trls.map((trl) => `none-trl${trl}`).sort());
  });
});
