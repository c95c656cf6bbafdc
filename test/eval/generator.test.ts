import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateProfiles, generateRecords } from '../../src/engine/generate/index.js';
import { readRecords, writeRecords } from '../../src/engine/generate/files.js';
import { PeopleFactory } from '../../src/engine/generate/people.js';
import { Rng } from '../../src/engine/generate/rng.js';
import { stripDiacritics } from '../../src/engine/generate/noise.js';

const dir = mkdtempSync(join(tmpdir(), 'coalesce-gen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('generateProfiles', () => {
  const sample = generateRecords(20_000, 7);
  const records = [...sample];

  it('is deterministic for a seed and differs between seeds', () => {
    const a = generateProfiles(3000, 42);
    const b = generateProfiles(3000, 42);
    const c = generateProfiles(3000, 43);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a.profiles.map((p) => p.data))).not.toBe(JSON.stringify(c.profiles.map((p) => p.data)));
  });

  it('returns exactly n profiles with unique ids and one truth label each', () => {
    const { profiles, truth } = generateProfiles(1234, 1);
    expect(profiles).toHaveLength(1234);
    expect(truth).toHaveLength(1234);
    expect(new Set(profiles.map((p) => p.id)).size).toBe(1234);
    expect(generateProfiles(0, 1).profiles).toHaveLength(0);
    expect(() => generateProfiles(-1, 1)).toThrow();
  });

  it('produces duplicates across several sources with per-record provenance', () => {
    const sources = new Set(records.map((r) => r.source));
    expect([...sources].sort()).toEqual(['crm', 'ecommerce', 'loyalty', 'pos', 'support']);
    const perEntity = new Map<string, Set<string>>();
    for (const r of records) (perEntity.get(r.entityId) ?? perEntity.set(r.entityId, new Set()).get(r.entityId)!).add(r.source);
    const multi = [...perEntity.values()].filter((s) => s.size >= 2).length;
    expect(multi / perEntity.size).toBeGreaterThan(0.3);
    const sizes = records.length / perEntity.size;
    expect(sizes).toBeGreaterThan(1.8);
    expect(sizes).toBeLessThan(2.8);
    for (const r of records.slice(0, 200)) {
      for (const m of Object.values(r.profile.meta!)) {
        expect(m.source).toBe(r.source);
        expect(m.updatedAt).toBe(r.updatedAt);
      }
    }
  });

  it('spreads an entity\'s records over the output (order does not reveal the truth)', () => {
    let adjacentSame = 0;
    for (let i = 1; i < records.length; i++) if (records[i].entityId === records[i - 1].entityId) adjacentSame++;
    expect(adjacentSame / records.length).toBeLessThan(0.01);
  });

  it('varies formats: phones, birth dates, casing, street abbreviations', () => {
    const phoneShapes = new Set<string>();
    const dateShapes = new Set<string>();
    let upper = 0, abbreviated = 0, full = 0;
    for (const r of records) {
      const d = r.profile.data;
      for (const ph of [d.PhoneNumber, d.MobilePhoneNumber, d.HomePhoneNumber, d.BusinessPhoneNumber]) {
        if (ph) phoneShapes.add(ph.replace(/\d/g, '9'));
      }
      if (d.BirthDate) dateShapes.add(d.BirthDate.replace(/\d/g, '9').replace(/[A-Za-z]+/g, 'M'));
      if (d.FirstName && d.FirstName.length > 2 && d.FirstName === d.FirstName.toUpperCase()) upper++;
      const a1 = d.Address?.Address1 ?? d.ShippingAddress?.Address1;
      if (a1 && / (St|Ave|Rd|Dr|Ln)\.?\b/.test(a1)) abbreviated++;
      if (a1 && / (Street|Avenue|Road|Drive|Lane)\b/.test(a1)) full++;
    }
    expect(phoneShapes.size).toBeGreaterThanOrEqual(6);
    expect(dateShapes.size).toBeGreaterThanOrEqual(5);
    expect(upper).toBeGreaterThan(100);
    expect(abbreviated).toBeGreaterThan(100);
    expect(full).toBeGreaterThan(100);
  });

  it('has hard negatives: different people sharing surname, address and home phone', () => {
    const key = new Map<string, Set<string>>();
    for (const r of records) {
      const d = r.profile.data;
      if (!d.HomePhoneNumber || !d.LastName) continue;
      const k = `${stripDiacritics(d.LastName).toLowerCase()}|${d.HomePhoneNumber.replace(/\D/g, '').slice(-10)}`;
      (key.get(k) ?? key.set(k, new Set()).get(k)!).add(r.entityId);
    }
    const shared = [...key.values()].filter((s) => s.size >= 2).length;
    expect(shared).toBeGreaterThan(50);
  });

  it('builds households with twins, juniors and very common names', () => {
    const f = new PeopleFactory(new Rng(3));
    let twins = 0, juniors = 0, families = 0;
    const names = new Map<string, number>();
    for (let h = 0; h < 5000; h++) {
      const people = f.household();
      if (people.length > 1) families++;
      for (const p of people) names.set(`${p.first} ${p.last}`, (names.get(`${p.first} ${p.last}`) ?? 0) + 1);
      for (let i = 0; i < people.length; i++) for (let j = i + 1; j < people.length; j++) {
        const a = people[i], b = people[j];
        if (a.birth.join() === b.birth.join() && a.last === b.last) {
          expect(a.first).not.toBe(b.first);
          expect(a.address).toBe(b.address);
          twins++;
        }
        if (a.first === b.first && a.last === b.last && (a.suffix ?? b.suffix) === 'Jr') juniors++;
      }
    }
    expect(families).toBeGreaterThan(1500);
    expect(twins).toBeGreaterThan(20);
    expect(juniors).toBeGreaterThan(10);
    // Namesakes exist (common names) without one name dominating.
    expect(Math.max(...names.values())).toBeGreaterThanOrEqual(4);
    expect(Math.max(...names.values())).toBeLessThan(60);
    expect([...names.values()].filter((c) => c >= 2).length).toBeGreaterThan(100);
  });

  it('applies noise only when asked: at noise 0 an entity keeps one first name', () => {
    const clean = [...generateRecords(5000, 11, { noise: 0 })];
    const noisy = [...generateRecords(5000, 11, { noise: 1 })];
    const variants = (rs: typeof clean) => {
      const m = new Map<string, Set<string>>();
      for (const r of rs) {
        const n = stripDiacritics(r.profile.data.FirstName ?? '').toLowerCase();
        (m.get(r.entityId) ?? m.set(r.entityId, new Set()).get(r.entityId)!).add(n);
      }
      return [...m.values()].filter((s) => s.size > 1).length;
    };
    expect(variants(clean)).toBe(0);
    expect(variants(noisy)).toBeGreaterThan(100);
  });

  it('writes and reads back JSONL and CSV files with truth', async () => {
    const mem = [...generateRecords(500, 5)];
    for (const ext of ['jsonl', 'csv']) {
      const file = join(dir, `g.${ext}`);
      expect(await writeRecords(generateRecords(500, 5), file)).toBe(500);
      const back = await readRecords(file);
      expect(back.truth).toEqual(mem.map((r) => r.entityId));
      expect(back.profiles.map((p) => p.id)).toEqual(mem.map((r) => r.profile.id));
      expect(back.profiles.map((p) => p.data)).toEqual(mem.map((r) => r.profile.data));
      expect(back.profiles[0].meta).toEqual(mem[0].profile.meta);
    }
    await expect(writeRecords(generateRecords(1, 1), join(dir, 'g.txt'))).rejects.toThrow(/\.jsonl or \.csv/);
  });
});
