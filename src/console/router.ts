/** Hash routes (#/domains/D/jobs/J): the server serves one index.html, so deep links work without server routes. */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'domains' }
  | { page: 'domain'; domain: string }
  | { page: 'settings'; domain: string }
  | { page: 'jobs'; domain: string }
  | { page: 'job'; domain: string; jobId: string }
  | { page: 'matches'; domain: string }
  | { page: 'match'; domain: string; matchId: string; profileIds: string[]; score?: number }
  | { page: 'profiles'; domain: string; key?: string; value?: string }
  | { page: 'profile'; domain: string; profileId: string }
  | { page: 'notFound'; path: string };

export function parseRoute(hash: string): Route {
  const [pathPart, queryPart = ''] = hash.replace(/^#/, '').split('?');
  const q = new URLSearchParams(queryPart);
  const p = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  if (p.length === 0 || (p.length === 1 && p[0] === 'domains')) return { page: 'domains' };
  if (p[0] !== 'domains') return { page: 'notFound', path: pathPart };
  const domain = p[1];
  switch (p[2]) {
    case undefined: return { page: 'domain', domain };
    case 'settings': return { page: 'settings', domain };
    case 'jobs': return p[3] ? { page: 'job', domain, jobId: p[3] } : { page: 'jobs', domain };
    case 'matches':
      if (!p[3]) return { page: 'matches', domain };
      return {
        page: 'match', domain, matchId: p[3],
        profileIds: (q.get('profiles') ?? '').split(',').filter(Boolean),
        score: q.has('score') ? Number(q.get('score')) : undefined,
      };
    case 'profiles':
      if (p[3]) return { page: 'profile', domain, profileId: p[3] };
      return { page: 'profiles', domain, key: q.get('key') ?? undefined, value: q.get('value') ?? undefined };
  }
  return { page: 'notFound', path: pathPart };
}

const enc = encodeURIComponent;
export const href = {
  domains: () => '#/domains',
  domain: (d: string) => `#/domains/${enc(d)}`,
  settings: (d: string) => `#/domains/${enc(d)}/settings`,
  jobs: (d: string) => `#/domains/${enc(d)}/jobs`,
  job: (d: string, j: string) => `#/domains/${enc(d)}/jobs/${enc(j)}`,
  matches: (d: string) => `#/domains/${enc(d)}/matches`,
  match: (d: string, m: string, ids: string[], score?: number) =>
    `#/domains/${enc(d)}/matches/${enc(m)}?profiles=${ids.map(enc).join(',')}${score !== undefined ? `&score=${score}` : ''}`,
  profiles: (d: string, key?: string, value?: string) =>
    `#/domains/${enc(d)}/profiles${key && value ? `?key=${enc(key)}&value=${enc(value)}` : ''}`,
  profile: (d: string, id: string) => `#/domains/${enc(d)}/profiles/${enc(id)}`,
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function navigate(to: string): void {
  location.hash = to.replace(/^#/, '');
}
