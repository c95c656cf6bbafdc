import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { exportMatches, CSV_HEADER } from '../../src/jobs/export-csv.js';
import { localSink } from '../../src/jobs/sinks.js';

describe('CSV export', () => {
  it('writes one row per profile in bounded parts under <key>/<domain>/<JobId>/', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coalesce-export-'));
    const profiles: Record<string, any> = {
      p1: { FirstName: 'Ann, "the" first', Address: { City: 'Paris' }, Attributes: { tier: 'gold' } },
      p2: { FirstName: 'Anne', ShippingAddress: { PostalCode: '75001' } },
    };
    const groups = Array.from({ length: 30 }, (_, i) => ({ matchId: `g${i}`, confidenceScore: 0.5, profileIds: ['p1', 'p2'] }));
    const r = await exportMatches({
      sink: localSink(dir), bucket: 'my-bucket', keyName: 'exports', domainName: 'dom', jobId: 'j1',
      groups, profileOf: (id) => profiles[id], partBytes: 2000,
    });
    expect(r.rows).toBe(60);
    expect(r.keys.length).toBeGreaterThan(1);
    const folder = join(dir, 's3', 'my-bucket', 'exports', 'dom', 'j1');
    const files = readdirSync(folder).sort();
    expect(files[0]).toBe('CustomerProfilesPendingMatches-dom-part-1.csv');
    let rows: any[] = [];
    for (const f of files) {
      const text = readFileSync(join(folder, f), 'utf8');
      expect(text.startsWith(CSV_HEADER)).toBe(true);
      // Bounded unless one row alone is bigger.
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2000);
      rows = rows.concat(parse(text, { columns: true }));
    }
    expect(rows).toHaveLength(60);
    expect(rows[0]).toMatchObject({ MatchingGroupId: 'g0', ConfidenceScore: '0.5', ProfileId: 'p1', FirstName: 'Ann, "the" first', 'Address.City': 'Paris' });
    expect(JSON.parse(rows[0].Attributes)).toEqual({ tier: 'gold' });
    expect(rows[1]['ShippingAddress.PostalCode']).toBe('75001');
  });
});
