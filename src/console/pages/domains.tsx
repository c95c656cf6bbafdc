/** Domains: list with profile counts, create, delete with confirmation. */
import { useState } from 'preact/hooks';
import { createDomain, deleteDomain, getDomain, listDomains } from '../api/ops.js';
import { ConfirmDialog, Empty, ErrorBox, Loading, Notice } from '../components/common.js';
import { href, navigate } from '../router.js';
import { fmtNum, fmtTime, mapLimit, useAsync } from '../util.js';

const NAME_RE = /^[a-zA-Z0-9_-]{1,64}$/;

export function DomainsPage() {
  const list = useAsync(async () => {
    const { items, truncated } = await listDomains();
    // ListDomains has no counts: GetDomain (Stats) per domain, a handful in parallel.
    const details = await mapLimit(items, 8, (d) => getDomain(d.DomainName).catch(() => undefined));
    return { items: items.map((d, i) => ({ ...d, detail: details[i] })), truncated };
  }, []);
  const [toDelete, setToDelete] = useState<string>();
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();

  const confirmDelete = async () => {
    if (!toDelete) return;
    setDeleting(true);
    setDeleteError(undefined);
    try {
      await deleteDomain(toDelete);
      setNotice(`Domain ${toDelete} was deleted.`);
      setToDelete(undefined);
      list.reload();
    } catch (e) {
      setDeleteError(e);
    } finally {
      setDeleting(false);
    }
  };

  return (
    <>
      <h1 tabIndex={-1}>Domains</h1>
      {notice && <Notice kind="success">{notice}</Notice>}
      <CreateDomainForm onCreated={(name) => navigate(href.settings(name))} />
      <section aria-labelledby="domains-list">
        <h2 id="domains-list">Your domains</h2>
        <ErrorBox error={list.error} title="Could not list the domains" />
        {list.loading && !list.data && <Loading what="domains" />}
        {list.data && list.data.items.length === 0 && (
          <Empty>No domains yet. Create one above to start loading profiles.</Empty>
        )}
        {list.data && list.data.items.length > 0 && (
          <table class="table" data-testid="domains-table">
            <thead>
              <tr>
                <th scope="col">Domain</th>
                <th scope="col" class="num">Profiles</th>
                <th scope="col" class="num">Objects</th>
                <th scope="col">Matching</th>
                <th scope="col">Created</th>
                <th scope="col"><span class="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((d) => (
                <tr key={d.DomainName}>
                  <th scope="row"><a href={href.domain(d.DomainName)}>{d.DomainName}</a></th>
                  <td class="num" data-testid="profile-count">{fmtNum(d.detail?.Stats?.ProfileCount)}</td>
                  <td class="num">{fmtNum(d.detail?.Stats?.ObjectCount)}</td>
                  <td>{d.detail?.Matching?.Enabled ? 'Enabled' : 'Off'}</td>
                  <td>{fmtTime(d.CreatedAt)}</td>
                  <td class="actions-cell">
                    <button type="button" class="danger small" onClick={() => { setDeleteError(undefined); setToDelete(d.DomainName); }}
                      aria-label={`Delete domain ${d.DomainName}`}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {list.data?.truncated && <p class="muted">Only the first 5,000 domains are shown.</p>}
      </section>
      <ConfirmDialog
        open={!!toDelete}
        title={`Delete domain ${toDelete ?? ''}?`}
        confirmLabel="Delete domain"
        danger
        busy={deleting}
        onConfirm={confirmDelete}
        onCancel={() => setToDelete(undefined)}
      >
        <p>
          This deletes <strong>{toDelete}</strong> with all its profiles, objects, history, jobs and matches. It cannot
          be undone.
        </p>
        <ErrorBox error={deleteError} title="Could not delete the domain" />
      </ConfirmDialog>
    </>
  );
}

function CreateDomainForm({ onCreated }: { onCreated: (name: string) => void }) {
  const [name, setName] = useState('');
  const [days, setDays] = useState('366');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const nameInvalid = name !== '' && !NAME_RE.test(name);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await createDomain(name, { DefaultExpirationDays: Number(days) });
      onCreated(name);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card inline-form" onSubmit={submit} aria-labelledby="create-domain">
      <h2 id="create-domain">Create a domain</h2>
      <div class="row">
        <div class="field">
          <label for="new-domain-name">Domain name</label>
          <input id="new-domain-name" required maxLength={64} value={name} onInput={(e) => setName(e.currentTarget.value)}
            aria-invalid={nameInvalid} aria-describedby="new-domain-name-help" />
          <small id="new-domain-name-help" class={nameInvalid ? 'field-error' : 'muted'}>
            1–64 letters, digits, - and _
          </small>
        </div>
        <div class="field">
          <label for="new-domain-days">Default expiration (days)</label>
          <input id="new-domain-days" type="number" min={1} max={1098} required value={days}
            onInput={(e) => setDays(e.currentTarget.value)} />
        </div>
        <button type="submit" class="primary" disabled={busy || nameInvalid}>{busy ? 'Creating…' : 'Create domain'}</button>
      </div>
      <ErrorBox error={error} title="Could not create the domain" />
    </form>
  );
}
