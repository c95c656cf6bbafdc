/** The compact `meta` column encoding: decoding always gives back the per-path FieldMeta that was encoded. */
import { describe, expect, it } from 'vitest';
import type { FieldMeta, ProfileData } from '../../src/model/profile.js';
import { decodeMeta, encodeMeta } from '../../src/store/sqlite/meta-codec.js';

const a: FieldMeta = { updatedAt: 1, ingestedAt: 2, source: 'A' };
const b: FieldMeta = { updatedAt: 3, ingestedAt: 4, source: 'B' };
const data: ProfileData = { FirstName: 'Ann', Address: { City: 'Oslo' }, Attributes: { x: '1' } };

describe('meta codec', () => {
  it('stores one default stamp when every path shares it', () => {
    const meta = { FirstName: a, 'Address.City': a, 'Attributes.x': a };
    const text = encodeMeta(data, meta);
    expect(JSON.parse(text)).toEqual({ '*': a });
    expect(decodeMeta(text, data)).toEqual(meta);
  });

  it('keeps the paths that differ from the default, and EngagementPreferences', () => {
    const withEp: ProfileData = { ...data, EngagementPreferences: { Email: [] } as ProfileData['EngagementPreferences'] };
    const meta = { FirstName: a, 'Address.City': b, 'Attributes.x': a, EngagementPreferences: b };
    const text = encodeMeta(withEp, meta);
    expect(JSON.parse(text)).toEqual({ '*': a, 'Address.City': b, EngagementPreferences: b });
    expect(decodeMeta(text, withEp)).toEqual(meta);
  });

  it('falls back to the per-path form when a value has no meta, and reads that form as it is', () => {
    const meta = { FirstName: a };
    const text = encodeMeta(data, meta);
    expect(text).toBe(JSON.stringify(meta));
    expect(decodeMeta(text, data)).toEqual(meta);
    expect(decodeMeta('{}', {})).toEqual({});
  });

  it('still matches the LIKE used to find the profiles of an object type', () => {
    expect(encodeMeta(data, { FirstName: a, 'Address.City': a, 'Attributes.x': a })).toContain('"source":"A"');
  });
});
