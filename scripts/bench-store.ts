/**
 * npm run bench:store [-- N] — store throughput on this machine (not a test; prints figures):
 * profile inserts through the store's composable insert (batches of 1,000 per transaction, with predefined keys and
 * CREATED history), single-profile createProfile transactions, scanProfiles (batches of 5,000), key lookups,
 * and GetDomain stats. Uses a temp data dir that is removed at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqliteStore } from '../src/store/index.js';
import { applyProfileWrite } from '../src/store/profile-write.js';
import { writeHistory } from '../src/store/sqlite/history.js';
import { insertProfile, newProfileId, profileContent } from '../src/store/sqlite/profiles.js';

const N = Number(process.argv[2] ?? 200_000);
const dir = mkdtempSync(join(tmpdir(), 'coalesce-bench-store-'));
const store = openSqliteStore(dir);
const D = 'bench';
const FIRST = ['Ann', 'Bob', 'Cara', 'Dan', 'Eve', 'Finn', 'Gus', 'Hana', 'Ivo', 'Jo'];
const LAST = ['Lee', 'Stone', 'Marsh', 'Ng', 'Ortiz', 'Park', 'Quinn', 'Ross', 'Sato', 'Tan'];
const profile = (i: number) => ({
  FirstName: FIRST[i % 10], LastName: `${LAST[(i / 10) % 10 | 0]}${i % 997}`, EmailAddress: `user${i}@example.com`,
  PhoneNumber: `+1555${String(i).padStart(7, '0')}`, BirthDate: '1980-01-01',
  Address: { Address1: `${i} Main St`, City: 'Springfield', PostalCode: String(10000 + (i % 90000)), Country: 'US' },
  Attributes: { loyaltyId: `L${i}` },
});
const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en-US')}/s`;

await store.createDomain({ domainName: D, defaultExpirationDays: 1, tags: {}, createdAt: Date.now(), lastUpdatedAt: Date.now() });
console.log(`bench:store — ${new Date().toISOString()} — node ${process.version} — N=${N.toLocaleString('en-US')}`);

let t0 = performance.now();
const c = store.context;
for (let start = 0; start < N; start += 1000) {
  c.tx(() => {
    for (let i = start; i < Math.min(N, start + 1000); i++) {
      const now = Date.now();
      const p = insertProfile(c, D, newProfileId(now), applyProfileWrite(undefined, { data: profile(i), source: '_api' }, now), now);
      writeHistory(c, { domainName: D, profileId: p.profileId, objectTypeName: '_profile', actionType: 'CREATED', createdAt: now, content: profileContent(p) });
    }
  });
}
let ms = performance.now() - t0;
console.log(`batched inserts (1,000/tx, keys + history): ${N.toLocaleString('en-US')} in ${(ms / 1000).toFixed(1)} s = ${rate(N, ms)}`);

const single = Math.min(20_000, N);
t0 = performance.now();
for (let i = 0; i < single; i++) await store.createProfile(D, { data: profile(N + i), source: '_api' }, Date.now());
ms = performance.now() - t0;
console.log(`createProfile, one transaction each: ${single.toLocaleString('en-US')} in ${(ms / 1000).toFixed(1)} s = ${rate(single, ms)}`);

t0 = performance.now();
let scanned = 0;
for await (const batch of store.scanProfiles(D, 5000)) scanned += batch.length;
ms = performance.now() - t0;
console.log(`scanProfiles (5,000/batch, parsed): ${scanned.toLocaleString('en-US')} in ${(ms / 1000).toFixed(1)} s = ${rate(scanned, ms)}`);

const lookups = 20_000;
t0 = performance.now();
for (let i = 0; i < lookups; i++) await store.findProfileIdsByKey(D, { keyName: '_email', value: `user${(i * 7919) % N}@example.com` });
ms = performance.now() - t0;
console.log(`findProfileIdsByKey(_email): ${lookups.toLocaleString('en-US')} in ${(ms / 1000).toFixed(2)} s = ${rate(lookups, ms)}`);

t0 = performance.now();
const stats = await store.getDomainStats(D);
console.log(`getDomainStats: ${(performance.now() - t0).toFixed(2)} ms (${stats.profileCount.toLocaleString('en-US')} profiles)`);

t0 = performance.now();
await store.deleteDomain(D);
console.log(`deleteDomain: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
await store.close();
rmSync(dir, { recursive: true, force: true });
