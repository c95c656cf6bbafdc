/** Breadcrumb and tabs for the pages of one domain. */
import { href, type Route } from '../router.js';

const TABS: Array<{ page: Route['page'][]; label: string; to: (d: string) => string }> = [
  { page: ['domain'], label: 'Overview', to: href.domain },
  { page: ['settings'], label: 'Matching settings', to: href.settings },
  { page: ['jobs', 'job'], label: 'Jobs', to: href.jobs },
  { page: ['matches', 'match'], label: 'Matches', to: href.matches },
  { page: ['profiles', 'profile'], label: 'Profiles', to: href.profiles },
];

export function DomainNav({ domain, page }: { domain: string; page: Route['page'] }) {
  return (
    <nav class="domain-nav" aria-label="Domain sections">
      <div class="crumbs">
        <a href={href.domains()}>Domains</a> <span aria-hidden="true">›</span> <strong>{domain}</strong>
      </div>
      <ul class="tabs">
        {TABS.map((t) => {
          const current = t.page.includes(page);
          return (
            <li key={t.label}>
              <a href={t.to(domain)} aria-current={current ? 'page' : undefined} class={current ? 'current' : ''}>
                {t.label}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
