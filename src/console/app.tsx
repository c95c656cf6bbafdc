/** Session gate + layout + page switch. */
import { useEffect, useState } from 'preact/hooks';
import { setAuthLostHandler } from './api/client.js';
import { ErrorBox, Loading } from './components/common.js';
import { DomainNav } from './components/nav.js';
import { DomainPage } from './pages/domain.js';
import { DomainsPage } from './pages/domains.js';
import { JobPage } from './pages/job.js';
import { JobsPage } from './pages/jobs.js';
import { MatchPage } from './pages/match.js';
import { MatchesPage } from './pages/matches.js';
import { ProfilePage } from './pages/profile.js';
import { ProfilesPage } from './pages/profiles.js';
import { SettingsPage } from './pages/settings.js';
import { SignInPage } from './pages/sign-in.js';
import { href, useRoute, type Route } from './router.js';
import { getSession, signOut, type SessionInfo } from './session.js';

export function App() {
  const [session, setSession] = useState<SessionInfo>();
  const [error, setError] = useState<unknown>();
  const [expired, setExpired] = useState(false);

  const refresh = () =>
    getSession().then(
      (s) => {
        setSession((prev) => {
          if (prev?.signedIn && s.authRequired && !s.signedIn) setExpired(true);
          return s;
        });
      },
      setError,
    );
  useEffect(() => {
    refresh();
    setAuthLostHandler(() => void refresh());
  }, []);

  if (error) return <main class="center"><ErrorBox error={error} title="The console could not reach the server" /></main>;
  if (!session) return <main class="center"><Loading /></main>;
  if (session.authRequired && !session.signedIn) {
    return <SignInPage expired={expired} onSignedIn={(s) => { setExpired(false); setSession(s); }} />;
  }
  return (
    <Shell
      session={session}
      onSignOut={async () => {
        await signOut(session.csrfToken);
        setSession({ authRequired: true, signedIn: false });
      }}
    />
  );
}

function Shell({ session, onSignOut }: { session: SessionInfo; onSignOut: () => void }) {
  const route = useRoute();
  useEffect(() => {
    document.title = `${titleOf(route)} · Coalesce console`;
    // Move focus to the page heading on navigation, so keyboard and screen-reader users land on the new content.
    const h1 = document.querySelector<HTMLElement>('main h1');
    h1?.focus({ preventScroll: true });
  }, [route.page, (route as { domain?: string }).domain]);
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href={href.domains()}>Coalesce</a>
        <span class="muted">Customer Profiles console</span>
        <span class="spacer" />
        {session.authRequired ? (
          <>
            <span class="muted" data-testid="signed-in-as">Signed in as <code>{session.accessKeyId}</code></span>
            <button type="button" onClick={onSignOut}>Sign out</button>
          </>
        ) : (
          <span class="muted">Authentication disabled (--no-auth)</span>
        )}
      </header>
      {'domain' in route && <DomainNav domain={route.domain} page={route.page} />}
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'domains': return <DomainsPage />;
    case 'domain': return <DomainPage domain={route.domain} />;
    case 'settings': return <SettingsPage domain={route.domain} />;
    case 'jobs': return <JobsPage domain={route.domain} />;
    case 'job': return <JobPage domain={route.domain} jobId={route.jobId} />;
    case 'matches': return <MatchesPage domain={route.domain} />;
    case 'match': return <MatchPage key={route.matchId} {...route} />;
    case 'profiles': return <ProfilesPage key={`${route.key}|${route.value}`} domain={route.domain} initialKey={route.key} initialValue={route.value} />;
    case 'profile': return <ProfilePage key={route.profileId} domain={route.domain} profileId={route.profileId} />;
    case 'notFound':
      return (
        <>
          <h1 tabIndex={-1}>Page not found</h1>
          <p>Nothing lives at <code>{route.path}</code>. <a href={href.domains()}>Go to the domains.</a></p>
        </>
      );
  }
}

function titleOf(r: Route): string {
  const names: Record<Route['page'], string> = {
    domains: 'Domains', domain: 'Domain', settings: 'Matching settings', jobs: 'Jobs', job: 'Job',
    matches: 'Matches', match: 'Match group', profiles: 'Profiles', profile: 'Profile', notFound: 'Not found',
  };
  return 'domain' in r ? `${names[r.page]} – ${r.domain}` : names[r.page];
}
