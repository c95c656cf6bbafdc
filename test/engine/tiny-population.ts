/** A tiny seeded population for engine tests (the real generator belongs to src/engine/generate). */
import type { EngineProfile } from '../../src/engine/types.js';
import type { ProfileData } from '../../src/model/profile.js';

const FIRST = ['james', 'mary', 'robert', 'patricia', 'michael', 'linda', 'david', 'susan', 'maria', 'wei', 'aisha', 'oluwaseun', 'sofia', 'lukas', 'chloe', 'mateo', 'yuki', 'priya', 'omar', 'elena'];
const LAST = ['smith', 'garcia', 'nguyen', 'okafor', 'kowalski', 'mueller', 'rossi', 'tanaka', 'patel', 'haddad', 'johnson', 'brown', 'zabrowski', 'fernandes', 'lindqvist', 'obi', 'dubois', 'kim', 'novak', 'walsh'];
const STREETS = ['Main Street', 'Oak Avenue', 'Pine Road', 'Maple Drive', 'Cedar Lane', 'Elm Court', 'Lake Boulevard'];
const CITIES: Array<[string, string]> = [['Seattle', '98101'], ['Austin', '78701'], ['Denver', '80202'], ['Boston', '02108']];

export function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function typo(s: string, r: () => number): string {
  if (s.length < 4) return s;
  const i = 1 + Math.floor(r() * (s.length - 2));
  return r() < 0.5 ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
}
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

export interface Population {
  profiles: EngineProfile[];
  /** entity[i] = true person of profiles[i]. */
  entity: number[];
}

/** `people` persons with 1–3 noisy records each (typos, missing fields, format variation). */
export function tinyPopulation(people: number, seed: number): Population {
  const r = rand(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const profiles: EngineProfile[] = [];
  const entity: number[] = [];
  for (let p = 0; p < people; p++) {
    const first = pick(FIRST), last = pick(LAST);
    const [city, zip] = pick(CITIES);
    const y = 1940 + Math.floor(r() * 60), m = 1 + Math.floor(r() * 12), d = 1 + Math.floor(r() * 28);
    const phone = `${200 + Math.floor(r() * 700)}${String(Math.floor(r() * 1e7)).padStart(7, '0')}`;
    const house = String(1 + Math.floor(r() * 9999));
    const street = pick(STREETS);
    const records = 1 + Math.floor(r() * 3);
    for (let k = 0; k < records; k++) {
      const data: ProfileData = {
        FirstName: cap(k > 0 && r() < 0.3 ? typo(first, r) : first),
        LastName: k > 0 && r() < 0.2 ? last.toUpperCase() : cap(last),
        BirthDate: r() < 0.5 ? `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` : `${m}/${d}/${y}`,
        Address: { Address1: `${house} ${k > 0 && r() < 0.5 ? street.replace('Street', 'St').replace('Avenue', 'Ave') : street}`, City: city, PostalCode: zip },
      };
      if (r() < 0.7) data.EmailAddress = `${first}.${last}${p}@example.com`;
      if (r() < 0.7) data[r() < 0.5 ? 'MobilePhoneNumber' : 'PhoneNumber'] = r() < 0.5 ? phone : `(${phone.slice(0, 3)}) ${phone.slice(3, 6)}-${phone.slice(6)}`;
      profiles.push({ id: `t${p}-${k}`, data });
      entity.push(p);
    }
  }
  return { profiles, entity };
}
