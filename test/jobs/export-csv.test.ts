import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { exportMatches, csvProfileCells, csvRow, CSV_HEADER, PROFILE_COLUMNS } from '../../src/jobs/export-csv.js';
import { getPath, type ProfileData } from '../../src/model/profile.js';
import { localSink } from '../../src/jobs/sinks.js';
import { makeTempDir } from '../helpers/temp-dirs.js';

describe('CSV export', () => {
  it('writes one row per profile in bounded parts under <key>/<domain>/<JobId>/', async () => {
    const dir = makeTempDir('coalesce-export-');
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

  // The row writer visits a profile's own fields; this is the plain column-by-column definition it must equal.
  const reference = (matchId: string, score: number, id: string, data: ProfileData | undefined) => {
    const q = (v: string | undefined) => (v === undefined ? '' : /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const cells = [q(matchId), String(score), q(id)];
    for (const c of PROFILE_COLUMNS) {
      if (c === 'Attributes') {
        const a = data?.Attributes;
        cells.push(a && Object.keys(a).length > 0 ? q(JSON.stringify(a)) : '');
      } else cells.push(q(data ? getPath(data, c) : undefined));
    }
    return cells.join(',') + '\n';
  };

  it('writes the same bytes as the column-by-column definition, whatever the profile holds', () => {
    const odd: any[] = [
      undefined,
      {},
      { FirstName: '', LastName: 'O"Brien', MiddleName: 'a,b', Gender: 'x\ny', BirthDate: 42, PhoneNumber: null },
      { Address: { City: 'Zürich', PostalCode: '', Address1: 'line\r\n2', Extra: 'ignored' }, ShippingAddress: 'not an object' },
      { BillingAddress: null, MailingAddress: { Country: '日本', State: 7 }, Attributes: {} },
      { Attributes: { 'k,1': 'v"1', emoji: '😀' }, EngagementPreferences: { Phone: [] }, Unknown: 'x', PartyTypeString: 'B' },
      { AccountNumber: 'A1', AdditionalInformation: '"quoted"', ProfileType: 'T', BusinessEmailAddress: 'b@x.io', Address: { Address4: 'x' } },
    ];
    odd.forEach((d, i) => expect(csvRow(`m,${i}`, i / 7, `p"${i}`, d)).toBe(reference(`m,${i}`, i / 7, `p"${i}`, d)));
  });

  // A job keeps each grouped profile's row cells (csvProfileCells) instead of the parsed profile: same files.
  it('writes the same files from kept row cells as from the parsed profiles', async () => {
    const profiles: Record<string, any> = {
      a: { FirstName: 'Ann, "the" first', Address: { City: 'Paris' }, Attributes: { tier: 'gold' } },
      b: {}, c: { LastName: 'é😀\nx', BillingAddress: { Country: 'FR', Extra: 'ignored' } },
    };
    const groups = Array.from({ length: 12 }, (_, i) => ({ matchId: `g,${i}`, confidenceScore: i / 3, profileIds: ['a', 'b', 'c', 'missing'] }));
    const cells = new Map(Object.entries(profiles).map(([id, d]) => [id, csvProfileCells(d)]));
    const files = async (profileOf: (id: string) => any, jobId: string) => {
      const dir = makeTempDir('coalesce-export-cells-');
      const r = await exportMatches({ sink: localSink(dir), bucket: 'my-bucket', domainName: 'dom', jobId, groups, profileOf, partBytes: 700 });
      return r.keys.map((k) => readFileSync(join(dir, 's3', 'my-bucket', k), 'utf8'));
    };
    const parsed = await files((id) => profiles[id], 'j');
    expect(parsed.length).toBeGreaterThan(2);
    expect(await files((id) => cells.get(id), 'j')).toEqual(parsed);
    expect(parsed.join('')).toContain(reference('g,0', 0, 'missing', undefined));
  });

  it('bounds parts by bytes with multi-byte rows (a row is never split)', async () => {
    const dir = makeTempDir('coalesce-export-mb-');
    const profiles: Record<string, any> = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`p${i}`, { FirstName: 'é😀'.repeat(i) }]));
    const groups = Array.from({ length: 20 }, (_, i) => ({ matchId: `g${i}`, confidenceScore: 1, profileIds: [`p${2 * i}`, `p${2 * i + 1}`] }));
    const partBytes = Buffer.byteLength(CSV_HEADER) + 2 * Buffer.byteLength(reference('g19', 1, 'p39', profiles.p39));
    const r = await exportMatches({ sink: localSink(dir), bucket: 'my-bucket', domainName: 'dom', jobId: 'j2', groups, profileOf: (id) => profiles[id], partBytes });
    const folder = join(dir, 's3', 'my-bucket', 'dom', 'j2');
    let all = '';
    for (const k of r.keys) {
      const b = readFileSync(join(dir, 's3', 'my-bucket', k));
      expect(b.length).toBeLessThanOrEqual(partBytes);
      all += b.toString('utf8').slice(CSV_HEADER.length);
    }
    expect(r.keys.length).toBeGreaterThan(5);
    expect(readdirSync(folder)).toHaveLength(r.keys.length);
    expect(all).toBe(groups.flatMap((g) => g.profileIds.map((id) => reference(g.matchId, 1, id, profiles[id]))).join(''));
  });
});
