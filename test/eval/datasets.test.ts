import { describe, expect, it } from 'vitest';
import { loadFake1000, loadFake1000Labels, loadFebrl, loadSenzing } from '../../src/engine/eval/datasets.js';
import { countTruePairs } from '../../src/engine/eval/metrics.js';

describe('vendored labelled datasets', () => {
  it('loads Febrl 3 with the documented counts and field mapping', () => {
    const ds = loadFebrl(3);
    expect(ds.profiles).toHaveLength(5000);
    expect(new Set(ds.truth).size).toBe(2000);
    expect(countTruePairs(ds.truth)).toBe(6538);
    const p = ds.profiles.find((x) => x.id === 'rec-552-dup-3')!;
    expect(p.data).toEqual({
      FirstName: 'harley', LastName: 'mccarthy', BirthDate: '19080419',
      Address: { Address1: '177 pridhamstreet', Address2: 'milton', City: 'marsden', PostalCode: '3165', State: 'nsw', Country: 'AU' },
      Attributes: { soc_sec_id: '6089216' },
    });
    expect(ds.truth[ds.profiles.indexOf(p)]).toBe('552');
  });

  it('leaves empty Febrl fields absent rather than empty strings', () => {
    const p = loadFebrl(1).profiles.find((x) => x.id === 'rec-223-org')!;
    expect(p.data.FirstName).toBeUndefined();
    expect(p.data.LastName).toBe('waller');
    expect(countTruePairs(loadFebrl(1).truth)).toBe(500);
  });

  it('loads fake_1000 with 251 clusters and its labelled pairs', () => {
    const ds = loadFake1000();
    expect(ds.profiles).toHaveLength(1000);
    expect(new Set(ds.truth).size).toBe(251);
    expect(countTruePairs(ds.truth)).toBe(2031);
    expect(ds.profiles[0].data).toEqual({ FirstName: 'Robert', LastName: 'Alan', BirthDate: '1971-06-24', EmailAddress: 'robert255@smith.net' });
    const labels = loadFake1000Labels();
    expect(labels.length).toBe(3176);
    // The clerical labels agree with the cluster column.
    const cluster = new Map(ds.profiles.map((p, i) => [p.id, ds.truth[i]]));
    for (const l of labels) expect(cluster.get(l.a) === cluster.get(l.b)).toBe(l.match);
  });

  it('maps the Senzing truth set onto typed profile fields with DATA_SOURCE as the source', () => {
    const ds = loadSenzing();
    expect(ds.profiles).toHaveLength(159);
    expect(new Set(ds.truth).size).toBe(85);
    expect(countTruePairs(ds.truth)).toBe(108);
    const bob = ds.profiles.find((p) => p.id === 'CUSTOMERS:1002')!;
    expect(bob.data).toMatchObject({
      FirstName: 'Bob', LastName: 'Smith', BirthDate: '11/12/1978', MobilePhoneNumber: '702-919-1300',
      Address: { Address1: '1515 Adela Lane', City: 'Las Vegas', State: 'NV', PostalCode: '89111' },
    });
    expect(bob.meta?.FirstName.source).toBe('CUSTOMERS');
    const watch = ds.profiles.find((p) => p.id === 'WATCHLIST:1006')!;
    expect(watch.meta?.LastName.source).toBe('WATCHLIST');
    expect(ds.truth[ds.profiles.indexOf(watch)]).toBe(ds.truth[ds.profiles.findIndex((p) => p.id === 'CUSTOMERS:1005')]);
    const org = ds.profiles.find((p) => p.id === 'CUSTOMERS:2072')!;
    expect(org.data).toMatchObject({ PartyType: 'BUSINESS', BusinessName: 'Univrsl Export Inc' });
    // Full-name-only records keep the whole name in FirstName.
    expect(ds.profiles.find((p) => p.id === 'CUSTOMERS:1069')!.data.FirstName).toBe('王杰');
    expect(ds.profiles.some((p) => p.data.Attributes?.ssn)).toBe(true);
  });
});
