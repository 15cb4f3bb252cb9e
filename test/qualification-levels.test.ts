import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { QUALIFICATION_TYPES, levelRank, levelSatisfies } from '../server/qualifications/qualification-catalogue';

const reference = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'seeds', 'taxonomy.json'), 'utf8')) as {
  qualifications: Array<{ code: string; levels: Array<{ code: string }> }>;
};

describe('qualification level ordering', () => {
  it('knows every catalogue entry', () => {
    assert.deepEqual(
      QUALIFICATION_TYPES.map((type) => type.code),
      reference.qualifications.map((entry) => entry.code),
    );
  });

  const expectations: Record<string, Array<[held: string | undefined, required: string | undefined, satisfied: boolean]>> = {
    secrecy: [
      ['1', '1', true], ['1', '2', true], ['1', '3', true],
      ['2', '1', false], ['2', '2', true], ['2', '3', true],
      ['3', '1', false], ['3', '2', false], ['3', '3', true],
      ['2', undefined, true], ['4', '3', false],
    ],
    'production-licence': [['I', 'I', true], ['I', 'II', true], ['II', 'I', false], ['II', 'II', true], ['II', undefined, true]],
    contractor: [['A', 'A', true], ['A', 'B', true], ['B', 'A', false], ['B', 'B', true]],
    'classified-it': [['A', 'B', true], ['B', 'A', false], ['B', 'B', true]],
    'mcf-demo': [['national', 'provincial', true], ['provincial', 'national', false], ['provincial', 'provincial', true]],
    'gjb-quality': [[undefined, undefined, true]],
    airworthiness: [[undefined, undefined, true]],
    'catalogue-civil-to-mil': [[undefined, undefined, true]],
    'catalogue-mil-to-civil': [[undefined, undefined, true]],
    iso9001: [[undefined, undefined, true]],
    'high-tech': [[undefined, undefined, true]],
  };

  it('has expectations for every catalogue entry', () => {
    assert.deepEqual(Object.keys(expectations).sort(), QUALIFICATION_TYPES.map((type) => type.code).sort());
  });

  for (const [type, cases] of Object.entries(expectations)) {
    it(`orders ${type} as the catalogue says`, () => {
      for (const [held, required, satisfied] of cases) {
        assert.equal(levelSatisfies(type, held, required), satisfied, `${type}: holding ${held} for a ${required} requirement`);
      }
    });
  }

  it('ranks the highest level highest for every entry with levels', () => {
    for (const entry of reference.qualifications.filter((candidate) => candidate.levels.length)) {
      const ranks = entry.levels.map((level) => levelRank(entry.code, level.code));
      assert.deepEqual(ranks, [...ranks].sort((a, b) => b - a), entry.code);
      assert.equal(ranks.at(-1), 1);
    }
  });

  it('never lets an unknown type or level satisfy anything', () => {
    assert.equal(levelSatisfies('no-such-type', '1', '1'), false);
    assert.equal(levelSatisfies('secrecy', undefined, '3'), false);
    assert.equal(levelSatisfies('secrecy', '2', 'Z'), false);
  });
});
