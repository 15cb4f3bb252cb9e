import assert from 'node:assert/strict';
import {
  compileFilter,
  exactMatchConstraints,
  exactMatchKey,
  FilterError,
  parseFilterBy,
  tokenizeText,
  type FilterFieldInfo,
  type FilterSchema,
} from '../search/embedded/filter';

const FIELDS: FilterFieldInfo[] = [
  { name: 'title', type: 'string' },
  { name: 'brand', type: 'string', facet: true },
  { name: 'tags', type: 'string[]' },
  { name: 'qty', type: 'int32' },
  { name: 'views', type: 'int64' },
  { name: 'price', type: 'float' },
  { name: 'sizes', type: 'int32[]' },
  { name: 'active', type: 'bool' },
  { name: 'note', type: 'string', optional: true },
  { name: 'secret', type: 'string', index: false },
  { name: 'spec', type: 'object' },
  { name: 'spec.maker', type: 'string' },
  { name: 'spec.weight', type: 'float' },
  { name: 'location', type: 'geopoint' },
];

const schema: FilterSchema = {
  field: (name) => FIELDS.find((f) => f.name === name),
};

const DOCS: Array<Record<string, unknown>> = [
  {
    id: 'a',
    title: 'Red Steel Bolt',
    brand: 'Acme',
    tags: ['metal', 'fastener'],
    qty: 5,
    views: 9_000_000_000,
    price: 1.5,
    sizes: [8, 10],
    active: true,
    note: 'rush order',
    spec: { maker: 'Beijing Works', weight: 0.2 },
    location: [39.9042, 116.4074],
  },
  {
    id: 'b',
    title: 'Blue Steel Nut',
    brand: 'Acme Corp',
    tags: ['metal'],
    qty: 20,
    views: 10,
    price: 0.75,
    sizes: [6],
    active: false,
    spec: { maker: 'Shanghai Forge', weight: 0.05 },
    location: [31.2304, 121.4737],
  },
  {
    id: 'c',
    title: 'Titanium Alloy Plate, Grade 5 (Ti-6Al-4V)',
    brand: 'Zeta',
    tags: ['Metal', 'aerospace'],
    qty: 0,
    views: 250,
    price: 120,
    sizes: [],
    active: true,
    note: 'Rush',
    spec: { maker: 'Beijing Works', weight: 12.5 },
    location: [39.95, 116.3],
  },
  {
    id: 'd',
    title: 'Café Crème Sensor',
    brand: 'acme',
    tags: ['electronics'],
    qty: 100,
    views: 0,
    price: 35.2,
    active: true,
  },
];

function ids(filter: string): string[] {
  const predicate = compileFilter(parseFilterBy(filter, schema));
  return DOCS.filter(predicate)
    .map((doc) => String(doc['id']))
    .sort();
}

function rejects(filter: string, status: 400 | 404, message: string | RegExp): void {
  assert.throws(
    () => parseFilterBy(filter, schema),
    (error: unknown) => {
      assert.ok(error instanceof FilterError, `expected a FilterError for ${filter}`);
      assert.equal(error.status, status);
      if (typeof message === 'string') assert.equal(error.message, message);
      else assert.match(error.message, message);
      return true;
    },
  );
}

describe('typesense filter_by', () => {
  describe('string fields', () => {
    it('`:` matches whole words anywhere in the value, case-insensitively', () => {
      assert.deepEqual(ids('title:steel'), ['a', 'b']);
      assert.deepEqual(ids('title:STEEL bolt'), ['a']);
      assert.deepEqual(ids('title:bolt steel'), ['a']);
      assert.deepEqual(ids('title:ste'), []);
    });

    it('`:=` matches the whole value, ignoring case, accents and symbols like Typesense tokens do', () => {
      assert.deepEqual(ids('brand:=Acme'), ['a', 'd']);
      assert.deepEqual(ids('brand:=acme corp'), ['b']);
      assert.deepEqual(ids('title:=cafe creme sensor'), ['d']);
      assert.deepEqual(ids('title:=Red Steel'), []);
    });

    it('matches any element of a string[] field', () => {
      assert.deepEqual(ids('tags:=metal'), ['a', 'b', 'c']);
      assert.deepEqual(ids('tags:aerospace'), ['c']);
      assert.deepEqual(ids('tags:[fastener, electronics]'), ['a', 'd']);
    });

    it('supports lists, not-equals and not-in', () => {
      assert.deepEqual(ids('brand:=[Zeta, Acme Corp]'), ['b', 'c']);
      assert.deepEqual(ids('brand:!=Acme'), ['b', 'c']);
      assert.deepEqual(ids('brand:!=[acme, zeta]'), ['b']);
      assert.deepEqual(ids('title:![steel, sensor]'), ['c']);
      assert.deepEqual(ids('title:!steel'), ['c', 'd']);
    });

    it('keeps commas, parentheses and spaces inside backticks', () => {
      assert.deepEqual(ids('title:=`Titanium Alloy Plate, Grade 5 (Ti-6Al-4V)`'), ['c']);
      assert.deepEqual(ids('title:[`Grade 5 (Ti-6Al-4V)`, sensor]'), ['c', 'd']);
      assert.deepEqual(ids('brand:=[`Acme Corp`, `Zeta`] && qty:>=0'), ['b', 'c']);
    });

    it('accepts unquoted list values containing spaces', () => {
      assert.deepEqual(ids('brand:=[Acme Corp, Zeta]'), ['b', 'c']);
    });

    it('treats a trailing `*` as a word prefix (`:`) or a value prefix (`:=`)', () => {
      assert.deepEqual(ids('title:ste*'), ['a', 'b']);
      assert.deepEqual(ids('title:=Blue St*'), ['b']);
      assert.deepEqual(ids('title:=Steel*'), []);
    });

    it('never matches a value made only of symbols', () => {
      assert.deepEqual(ids('title:=~~'), []);
    });
  });

  describe('numeric and bool fields', () => {
    it('compares with >, >=, <, <=, = and a bare value', () => {
      assert.deepEqual(ids('qty:>5'), ['b', 'd']);
      assert.deepEqual(ids('qty:>=5'), ['a', 'b', 'd']);
      assert.deepEqual(ids('qty:<5'), ['c']);
      assert.deepEqual(ids('qty:<=5'), ['a', 'c']);
      assert.deepEqual(ids('qty:=20'), ['b']);
      assert.deepEqual(ids('qty:20'), ['b']);
      assert.deepEqual(ids('qty: > 19'), ['b', 'd']);
    });

    it('supports inclusive ranges and mixed comparator lists', () => {
      assert.deepEqual(ids('price:[0.75..35.2]'), ['a', 'b', 'd']);
      assert.deepEqual(ids('qty:[<1, 5..20, >99]'), ['a', 'b', 'c', 'd']);
      assert.deepEqual(ids('qty:[5, 100]'), ['a', 'd']);
      assert.deepEqual(ids('qty:10..100'), ['b', 'd']);
      assert.deepEqual(ids('price:[-10..1]'), ['b']);
    });

    it('matches numeric arrays on any element', () => {
      assert.deepEqual(ids('sizes:10'), ['a']);
      assert.deepEqual(ids('sizes:<8'), ['b']);
      assert.deepEqual(ids('sizes:[6..8]'), ['a', 'b']);
    });

    it('excludes with != and not-in, keeping documents without the field', () => {
      assert.deepEqual(ids('qty:!=5'), ['b', 'c', 'd']);
      assert.deepEqual(ids('qty:!=[5, 20]'), ['c', 'd']);
      assert.deepEqual(ids('qty:![0, 100]'), ['a', 'b']);
      assert.deepEqual(ids('sizes:!=8'), ['b', 'c', 'd']);
    });

    it('handles int64 values beyond int32', () => {
      assert.deepEqual(ids('views:>4294967296'), ['a']);
    });

    it('filters bool fields with true/false, != and lists', () => {
      assert.deepEqual(ids('active:true'), ['a', 'c', 'd']);
      assert.deepEqual(ids('active:=false'), ['b']);
      assert.deepEqual(ids('active:!=true'), ['b']);
      assert.deepEqual(ids('active:[true, false]'), ['a', 'b', 'c', 'd']);
    });
  });

  describe('boolean structure', () => {
    it('folds && and || left to right at equal precedence, as the Typesense server does', () => {
      assert.deepEqual(ids('brand:=Zeta || brand:=Acme && qty:>10'), ['d']);
      assert.deepEqual(ids('brand:=Acme && qty:>10 || brand:=Zeta'), ['c', 'd']);
    });

    it('lets parentheses override precedence', () => {
      assert.deepEqual(ids('(brand:=Zeta || brand:=Acme) && qty:>10'), ['d']);
      assert.deepEqual(ids('((title:steel) && (active:true || qty:>=20))'), ['a', 'b']);
    });

    it('tolerates missing and extra whitespace around operators', () => {
      assert.deepEqual(ids('qty:>5&&active:true'), ['d']);
      assert.deepEqual(ids('  qty:>5  ||  qty:0 '), ['b', 'c', 'd']);
    });

    it('treats an empty expression as no filter', () => {
      assert.deepEqual(ids(''), ['a', 'b', 'c', 'd']);
      assert.deepEqual(ids('   '), ['a', 'b', 'c', 'd']);
    });
  });

  describe('missing fields, ids, nested paths and geo', () => {
    it('never matches a positive filter on a missing field, always a negative one', () => {
      assert.deepEqual(ids('note:rush'), ['a', 'c']);
      assert.deepEqual(ids('note:!=rush order'), ['b', 'c', 'd']);
      assert.deepEqual(ids('sizes:>0'), ['a', 'b']);
      assert.deepEqual(ids('sizes:![6, 8, 10]'), ['c', 'd']);
    });

    it('filters on document ids', () => {
      assert.deepEqual(ids('id:a'), ['a']);
      assert.deepEqual(ids('id:=[a, c, zz]'), ['a', 'c']);
      assert.deepEqual(ids('id:!=[a, c]'), ['b', 'd']);
      assert.deepEqual(ids('id:*'), ['a', 'b', 'c', 'd']);
    });

    it('resolves dotted paths into nested objects', () => {
      assert.deepEqual(ids('spec.maker:=beijing works'), ['a', 'c']);
      assert.deepEqual(ids('spec.weight:<1'), ['a', 'b']);
      const flattened = compileFilter(parseFilterBy('spec.maker:shanghai', schema));
      assert.equal(flattened({ id: 'x', 'spec.maker': 'Shanghai Forge' }), true);
    });

    it('filters geopoints by radius and polygon', () => {
      assert.deepEqual(ids('location:(39.9, 116.4, 20 km)'), ['a', 'c']);
      assert.deepEqual(ids('location:(39.9, 116.4, 1 km)'), ['a']);
      assert.deepEqual(ids('location:([31.23, 121.47], radius: 5 mi)'), ['b']);
      assert.deepEqual(ids('location:(40, 116, 40, 117, 39, 117, 39, 116)'), ['a', 'c']);
      assert.deepEqual(ids('location:[(39.9, 116.4, 1 km), (31.2, 121.5, 10 km)]'), ['a', 'b']);
    });
  });

  describe('errors', () => {
    it('reports syntax errors as 400 with Typesense wording', () => {
      rejects('title', 400, 'Could not parse the filter query.');
      rejects('(qty:>5) & active:true', 400, 'Could not parse the filter query.');
      rejects('qty:>5 | active:true', 400, 'Error with filter field `qty`: Not an int32.');
      rejects('(qty:>5 || active:true', 400, 'Could not parse the filter query: unbalanced parentheses.');
      rejects('qty:>5)', 400, 'Could not parse the filter query: unbalanced parentheses.');
      rejects('qty:>5 &&', 400, 'Could not parse the filter query: unbalanced `&&` operands.');
      rejects('|| qty:>5', 400, 'Could not parse the filter query: unbalanced `||` operands.');
      rejects('qty:>5 && || active:true', 400, 'Could not parse the filter query: unbalanced `&&` operands.');
      rejects('()', 400, 'Could not parse the filter query.');
      rejects('title:=`unterminated', 400, 'Could not parse the filter query: unbalanced backticks.');
    });

    it('reports unknown and non-indexed fields as 404', () => {
      rejects('colour:red', 404, 'Could not find a filter field named `colour` in the schema.');
      rejects('secret:x', 404, 'Could not find a filter field named `secret` in the schema.');
    });

    it('validates numeric values per type', () => {
      rejects('qty:abc', 400, 'Error with filter field `qty`: Numerical field has an invalid comparator.');
      rejects('qty:1.5', 400, 'Error with filter field `qty`: Not an int32.');
      rejects('qty:3000000000', 400, 'Error with filter field `qty`: `3000000000` exceeds the range of an int32.');
      rejects('views:>x', 400, 'Error with filter field `views`: Not an int64.');
      rejects('price:[1..abc]', 400, 'Error with filter field `price`: Not a float.');
      rejects('qty:[1, =2]', 400, 'Error with filter field `qty`: Numerical field has an invalid comparator.');
    });

    it('validates bool, empty and geo values', () => {
      rejects('active:yes', 400, 'Value of filter field `active` must be `true` or `false`.');
      rejects('active:[true, no]', 400, 'Values of filter field `active`: must be `true` or `false`.');
      rejects('title:=', 400, 'Error with filter field `title`: Filter value cannot be empty.');
      rejects('location:(39.9, 116.4, 5 yd)', 400, 'Unit must be either `km` or `mi`.');
      rejects('location:(39.9, x, 5 km)', 400, /^Value of filter field `location`: must be in the/);
    });

    it('rejects object fields, joins and nested array object filters', () => {
      rejects('spec:x', 400, 'Error with filter field `spec`: Unidentified field data type, see docs for supported data types.');
      rejects('$orders(qty:>1)', 400, /joined collections/);
      rejects('spec.{maker:=x && weight:>1}', 400, /nested array object filters/);
    });
  });

  describe('helpers', () => {
    it('tokenises like Typesense: lower-case, no accents, symbols dropped inside words', () => {
      assert.deepEqual(tokenizeText('Ti-6Al-4V  Café, 4.5'), ['ti6al4v', 'cafe', '45']);
      assert.equal(exactMatchKey(' Acme   CORP '), 'acme corp');
    });

    it('lists the exact-match constraints of the top-level && chain', () => {
      const node = parseFilterBy('brand:=[Acme, ACME Corp] && qty:[5, 20] && active:true && id:a && title:steel', schema);
      assert.deepEqual(exactMatchConstraints(node), [
        { field: 'brand', kind: 'string', values: ['acme', 'acme corp'] },
        { field: 'qty', kind: 'number', values: [5, 20] },
        { field: 'active', kind: 'bool', values: [true] },
        { field: 'id', kind: 'id', values: ['a'] },
      ]);
      assert.deepEqual(exactMatchConstraints(parseFilterBy('brand:=Acme || qty:5', schema)), []);
      assert.deepEqual(exactMatchConstraints(parseFilterBy('brand:!=Acme && qty:>5', schema)), []);
    });

    it('uses a field analyzer when the schema supplies one', () => {
      const byChar = (text: string): string[] => [...text.replace(/\s+/g, '')].map((c) => c.toLowerCase());
      const cjk: FilterSchema = { field: (name) => (name === 'name' ? { name, type: 'string', tokenize: byChar } : undefined) };
      const predicate = compileFilter(parseFilterBy('name:钢', cjk));
      assert.equal(predicate({ name: '不锈钢螺栓' }), true);
      assert.equal(predicate({ name: '铝合金板' }), false);
    });

    it('stays correct when a field has more distinct values than the per-clause memo holds', () => {
      const docs = Array.from({ length: 120_000 }, (_, i) => ({
        id: String(i),
        title: `Part ${i} ${i % 3 === 0 ? 'steel' : 'alloy'}`,
        tags: [`t${i % 10}`, `lot ${i}`],
      }));
      const contains = compileFilter(parseFilterBy('title:steel && tags:t3', schema));
      const exact = compileFilter(parseFilterBy('title:=[Part 7 alloy, part 119997 STEEL]', schema));
      for (let pass = 0; pass < 2; pass++) {
        assert.equal(docs.filter(contains).length, docs.filter((_, i) => i % 3 === 0 && i % 10 === 3).length);
        assert.deepEqual(docs.filter(exact).map((d) => d.id), ['7', '119997']);
      }
    });
  });
});
