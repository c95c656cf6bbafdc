import { describe, expect, it } from 'vitest';
import { MappingError, RowMapper, mappingFromFields, mappingFromFile } from '../../src/ingest/mapping.js';
import { runImport } from '../../src/ingest/pipeline.js';
import type { ProfileRow, RowError } from '../../src/ingest/types.js';

describe('mapping', () => {
  it('maps columns by name by default and reports ignored columns', () => {
    const m = new RowMapper({});
    m.checkHeader(['first_name', 'Address.City', 'EMAIL ADDRESS', 'Attributes.tier', 'shoe']);
    expect(m.map({ line: 2, values: { first_name: ' Ann ', 'Address.City': 'Oslo', 'EMAIL ADDRESS': 'a@x.org', 'Attributes.tier': 'gold', shoe: '42' } }))
      .toEqual({ line: 2, data: { FirstName: 'Ann', Address: { City: 'Oslo' }, EmailAddress: 'a@x.org', Attributes: { tier: 'gold' } } });
    expect([...m.ignoredColumns]).toEqual(['shoe']);
  });

  it('validates values against the model constraints', () => {
    const m = new RowMapper(mappingFromFile({ columns: { fn: 'FirstName', g: 'Gender', info: 'AdditionalInformation' }, uniqueKey: 'id' }));
    const row = (values: Record<string, string>) => m.map({ line: 7, values: { id: 'k1', ...values } });
    expect(row({ fn: 'x'.repeat(256) })).toEqual({ line: 7, reason: 'column "fn" (FirstName) is 256 characters long; at most 255 allowed' });
    expect(row({ fn: 'é'.repeat(255) })).toMatchObject({ uniqueKey: 'k1' });
    expect(row({ g: 'male' })).toEqual({ line: 7, reason: 'column "g" (Gender) must be one of MALE, FEMALE, UNSPECIFIED' });
    expect(row({ info: 'y'.repeat(1000) })).toMatchObject({ data: { AdditionalInformation: 'y'.repeat(1000) } });
    expect(m.map({ line: 8, values: { id: ' ', fn: 'A' } })).toEqual({ line: 8, reason: 'the unique key column "id" is empty' });
    expect(row({ fn: '' })).toEqual({ line: 7, reason: 'no mapped profile field has a value' });
  });

  it('reads the AWS FieldMap form and refuses unknown targets', () => {
    const m = mappingFromFields({
      cid: { Source: '_source.customer_id', Target: '_profile.AccountNumber' },
      city: { Source: '_source.town', Target: '_profile.ShippingAddress.City' },
    }, 'cid');
    expect(m).toEqual({ columns: { customer_id: 'AccountNumber', town: 'ShippingAddress.City' }, uniqueKey: { column: 'customer_id', keyName: 'cid' } });
    expect(() => mappingFromFile({ a: 'Nickname' })).toThrow(MappingError);
    expect(() => new RowMapper(m).checkHeader(['customer_id'])).toThrow('mapped column(s) not in the header: town');
  });
});

describe('runImport', () => {
  it('rejects duplicate unique keys and writes the rest in batches', async () => {
    const csv = 'id,FirstName\n1,Ann\n2,Bo\n1,Again\n3,\n4,Di\n';
    const batches: ProfileRow[][] = [];
    const rejected: RowError[] = [];
    const result = await runImport({
      input: [csv], format: 'csv', mapping: { uniqueKey: { column: 'id', keyName: 'id' } }, batchSize: 2,
      sink: { write: async (rows) => { batches.push(rows); return { created: rows.length, updated: 0 }; } },
      onReject: (e) => { rejected.push(e); },
    });
    expect(rejected).toEqual([
      { line: 4, reason: 'duplicate unique key "1" (first on line 2)' },
      { line: 5, reason: 'no mapped profile field has a value' },
    ]);
    expect(batches.map((b) => b.map((r) => r.uniqueKey))).toEqual([['1', '2'], ['4']]);
    expect(result).toEqual({ read: 5, created: 3, updated: 0, rejected: 2, stopped: false, ignoredColumns: [] });
  });
});
