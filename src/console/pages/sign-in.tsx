/** Sign-in with the same access key pair as the API; the server sets an HttpOnly session cookie. */
import { useState } from 'preact/hooks';
import { ErrorBox, Notice } from '../components/common.js';
import { signIn, type SessionInfo } from '../session.js';

export function SignInPage({ onSignedIn, expired }: { onSignedIn: (s: SessionInfo) => void; expired?: boolean }) {
  const [keyId, setKeyId] = useState('');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await signIn(keyId.trim(), secret));
    } catch (err) {
      setError(err);
      setSecret('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="center" id="main">
      <form class="card sign-in" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to Coalesce</h1>
        <p class="muted">Use the access key ID and secret access key that the API accepts.</p>
        {expired && <Notice>Your session has expired. Please sign in again.</Notice>}
        <ErrorBox error={error} title="Sign-in failed" />
        <label for="accessKeyId">Access key ID</label>
        <input id="accessKeyId" name="accessKeyId" autoComplete="username" required value={keyId}
          onInput={(e) => setKeyId(e.currentTarget.value)} autofocus />
        <label for="secretAccessKey">Secret access key</label>
        <input id="secretAccessKey" name="secretAccessKey" type="password" autoComplete="current-password" required
          value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />
        <button type="submit" class="primary" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
