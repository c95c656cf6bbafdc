/** Profile search with SearchProfiles: the standard search keys plus the domain's own keys (from its object types). */
import { useEffect, useState } from 'preact/hooks';
import { getObjectType, listObjectTypes, searchProfiles } from '../api/ops.js';
import type { Profile } from '../api/wire.js';
import { Empty, ErrorBox, Loading } from '../components/common.js';
import { href, navigate } from '../router.js';
import { mapLimit, useAsync } from '../util.js';

const STANDARD_KEYS: Array<[string, string]> = [
  ['_fullName', 'Full name'],
  ['_email', 'Email'],
  ['_phone', 'Phone'],
  ['_account', 'Account number'],
  ['_profileId', 'Profile ID'],
];

export function ProfilesPage({ domain, initialKey, initialValue }: { domain: string; initialKey?: string; initialValue?: string }) {
  const domainKeys = useAsync(async () => {
    const types = (await listObjectTypes(domain)).items;
    const details = await mapLimit(types, 8, (t) => getObjectType(domain, t.ObjectTypeName).catch(() => undefined));
    const names = new Set<string>();
    for (const d of details) for (const k of Object.keys(d?.Keys ?? {})) if (!k.startsWith('_')) names.add(k);
    return [...names].sort();
  }, [domain]);
  const [key, setKey] = useState(initialKey ?? '_fullName');
  const [value, setValue] = useState(initialValue ?? '');
  const [result, setResult] = useState<{ items?: Profile[]; error?: unknown; loading: boolean; next?: string }>();

  const run = async (k: string, v: string, token?: string) => {
    setResult((r) => ({ ...r, loading: true, error: undefined }));
    try {
      const r = await searchProfiles(domain, k, v, token);
      setResult((prev) => ({ items: [...(token ? prev?.items ?? [] : []), ...(r.Items ?? [])], next: r.NextToken, loading: false }));
    } catch (error) {
      setResult({ error, loading: false });
    }
  };
  useEffect(() => { if (initialKey && initialValue) void run(initialKey, initialValue); }, []);

  return (
    <>
      <h1 tabIndex={-1}>Profiles</h1>
      <form class="card" role="search" aria-label="Search profiles" onSubmit={(e) => {
        e.preventDefault();
        if (!value.trim()) return;
        navigate(href.profiles(domain, key, value.trim()));
        if (initialKey === key && initialValue === value.trim()) void run(key, value.trim());
      }}>
        <div class="row">
          <div class="field">
            <label for="search-key">Search by</label>
            <select id="search-key" value={key} onChange={(e) => setKey(e.currentTarget.value)}>
              {STANDARD_KEYS.map(([k, l]) => <option key={k} value={k}>{l} ({k})</option>)}
              {(domainKeys.data ?? []).map((k) => <option key={k} value={k}>{k} (domain key)</option>)}
            </select>
          </div>
          <div class="field grow">
            <label for="search-value">Value</label>
            <input id="search-value" type="search" required value={value} onInput={(e) => setValue(e.currentTarget.value)}
              placeholder={key === '_email' ? 'jane@example.com' : key === '_fullName' ? 'Jane Doe' : ''} />
          </div>
          <button type="submit" class="primary">Search</button>
        </div>
        <p class="muted small">Search keys are exact (as in AWS): a full name is “First Last”, emails and phones as stored.</p>
      </form>
      <ErrorBox error={result?.error} title="The search failed" />
      {result?.loading && !result.items && <Loading what="profiles" />}
      {!result && <Empty>Search for a profile by one of its keys.</Empty>}
      {result?.items && result.items.length === 0 && <Empty>No profile has this key value.</Empty>}
      {result?.items && result.items.length > 0 && (
        <>
          <table class="table" data-testid="profiles-table">
            <thead>
              <tr><th scope="col">Profile</th><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Phone</th><th scope="col">Account</th></tr>
            </thead>
            <tbody>
              {result.items.map((p) => (
                <tr key={p.ProfileId}>
                  <th scope="row"><a href={href.profile(domain, p.ProfileId!)}><code>{p.ProfileId}</code></a></th>
                  <td>{[p.FirstName, p.MiddleName, p.LastName].filter(Boolean).join(' ') || p.BusinessName || '—'}</td>
                  <td>{p.EmailAddress ?? p.PersonalEmailAddress ?? p.BusinessEmailAddress ?? '—'}</td>
                  <td>{p.PhoneNumber ?? p.MobilePhoneNumber ?? p.HomePhoneNumber ?? p.BusinessPhoneNumber ?? '—'}</td>
                  <td>{p.AccountNumber ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.next && <button type="button" onClick={() => run(key, value.trim(), result.next)}>Load more</button>}
        </>
      )}
    </>
  );
}
