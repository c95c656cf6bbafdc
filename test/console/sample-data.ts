/**
 * A small generated population with known duplicates, for the console's browser test: 30 people, 10 of whom
 * appear a second time with the variations the matcher must see through (email case, phone format, a name typo)
 * and one deliberately different attribute (so that the group page has something to disagree about).
 */
import type { CreateProfileCommandInput } from '@aws-sdk/client-customer-profiles';

const FIRST = ['Maria', 'James', 'Aiko', 'Oluwaseun', 'Chen', 'Fatima', 'Lukas', 'Priya', 'Diego', 'Hannah',
  'Mateo', 'Sofia', 'Noah', 'Amara', 'Ivan', 'Leila', 'Tomas', 'Grace', 'Rahul', 'Elena',
  'Kofi', 'Yuki', 'Omar', 'Ingrid', 'Pablo', 'Zara', 'Felix', 'Nadia', 'Hugo', 'Mei'];
const LAST = ['Garcia', 'Okafor', 'Tanaka', 'Adeyemi', 'Wang', 'Haddad', 'Schmidt', 'Sharma', 'Lopez', 'Becker',
  'Rossi', 'Novak', 'Kim', 'Mensah', 'Petrov', 'Farah', 'Silva', 'Murphy', 'Gupta', 'Popescu',
  'Boateng', 'Sato', 'Aziz', 'Larsen', 'Moreno', 'Khan', 'Weber', 'Ivanova', 'Dubois', 'Lin'];
const CITIES = ['Austin', 'Denver', 'Seattle', 'Boston', 'Chicago', 'Portland'];

export interface SampleProfile { key: string; duplicateOf?: string; input: Omit<CreateProfileCommandInput, 'DomainName'> }

export function sampleProfiles(): SampleProfile[] {
  const out: SampleProfile[] = [];
  for (let i = 0; i < 30; i++) {
    const first = FIRST[i]!;
    const last = LAST[i]!;
    out.push({
      key: `p${i}`,
      input: {
        FirstName: first,
        LastName: last,
        EmailAddress: `${first}.${last}@example.com`.toLowerCase(),
        PhoneNumber: `+1-555-${String(200 + i)}-${String(1000 + i * 37)}`,
        BirthDate: `19${60 + i}-0${(i % 9) + 1}-1${i % 10}`,
        AccountNumber: `ACC-${1000 + i}`,
        Address: { Address1: `${100 + i} Main St`, City: CITIES[i % CITIES.length], PostalCode: `7${String(1000 + i)}`, Country: 'US' },
        Attributes: { loyaltyTier: i % 2 ? 'gold' : 'silver' },
      },
    });
  }
  for (let i = 0; i < 10; i++) {
    const base = out[i]!.input;
    const first = i % 3 === 0 ? base.FirstName!.slice(0, -1) : base.FirstName!; // a dropped letter now and then
    const phoneDigits = base.PhoneNumber!.replace(/\D/g, '').slice(1);
    out.push({
      key: `d${i}`,
      duplicateOf: `p${i}`,
      input: {
        FirstName: first,
        LastName: base.LastName,
        EmailAddress: base.EmailAddress!.toUpperCase(),
        PhoneNumber: `(${phoneDigits.slice(0, 3)}) ${phoneDigits.slice(3, 6)}-${phoneDigits.slice(6)}`,
        BirthDate: base.BirthDate,
        // Only the first duplicate shares the account number: it is the one auto-merging merges.
        ...(i === 0 ? { AccountNumber: base.AccountNumber } : {}),
        Address: { ...base.Address, City: i === 0 ? base.Address!.City : 'Springfield' },
        Attributes: { loyaltyTier: 'platinum' },
      },
    });
  }
  return out;
}
