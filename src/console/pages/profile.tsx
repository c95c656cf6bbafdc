/** One profile: its fields, its objects per object type, and its history (including merges). */
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { batchGetProfiles, getHistoryRecord, listHistory, listObjectTypes, listProfileObjects, matchStoredProfile } from '../api/ops.js';
import { ApiError } from '../api/client.js';
import type { HistoryRecord, MatchProfileResult } from '../api/wire.js';
import { href } from '../router.js';
import { Empty, ErrorBox, Loading, Notice } from '../components/common.js';
import { unitValues } from '../profile-units.js';
import { fmtTime, mapLimit, useAsync } from '../util.js';

export function ProfilePage({ domain, profileId }: { domain: string; profileId: string }) {
  const profile = useAsync(() => batchGetProfiles(domain, [profileId]), [domain, profileId]);
  const exists = !!profile.data?.Profiles?.length;
  // Objects only for a live profile (a merged-away profile's objects moved to the profile it was merged into).
  const objects = useAsync(async () => {
    if (!exists) return undefined;
    const types = (await listObjectTypes(domain)).items;
    const per = await mapLimit(types, 8, async (t) => {
      const r = await listProfileObjects(domain, t.ObjectTypeName, profileId);
      return { type: t.ObjectTypeName, items: r.Items ?? [], more: !!r.NextToken };
    });
    return per.filter((p) => p.items.length > 0);
  }, [domain, profileId, exists]);
  const history = useAsync(() => listHistory(domain, profileId), [domain, profileId]);
  const p = profile.data?.Profiles?.[0];
  const gone = profile.data && !p;

  return (
    <>
      <h1 tabIndex={-1}>Profile <code class="small-code">{profileId}</code></h1>
      <ErrorBox error={profile.error} title="Could not load the profile" />
      {profile.loading && !profile.data && <Loading what="profile" />}
      {gone && (
        <Notice>
          This profile no longer exists ({profile.data?.Errors?.[0]?.Message ?? 'not found'}). Its history below shows
          what happened to it.
        </Notice>
      )}
      {p && (
        <section class="card" aria-labelledby="fields-h">
          <h2 id="fields-h">Fields</h2>
          <table class="table kv" data-testid="profile-fields">
            <tbody>
              {[...unitValues(p)].map(([k, v]) => (
                <tr key={k}><th scope="row">{k}</th><td class="val">{v}</td></tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {p && <Similar domain={domain} profileId={profileId} />}
      {p && <section class="card" aria-labelledby="objects-h">
        <h2 id="objects-h">Objects</h2>
        <ErrorBox error={objects.error} title="Could not list the objects" />
        {objects.loading && !objects.data && <Loading what="objects" />}
        {objects.data && objects.data.length === 0 && <Empty>No profile objects are attached to this profile.</Empty>}
        {objects.data?.map((o) => (
          <details key={o.type} open={objects.data!.length === 1}>
            <summary>{o.type} ({o.items.length}{o.more ? '+, first 100 shown' : ''})</summary>
            {o.items.map((it) => (
              <div key={it.ProfileObjectUniqueKey} class="object">
                <div class="muted small">ProfileObjectUniqueKey <code>{it.ProfileObjectUniqueKey}</code></div>
                <pre class="json">{pretty(it.Object)}</pre>
              </div>
            ))}
          </details>
        ))}
      </section>}
      <section class="card" aria-labelledby="history-h">
        <h2 id="history-h">History</h2>
        <ErrorBox error={history.error} title="Could not list the history" />
        {history.loading && !history.data && <Loading what="history" />}
        {history.data && history.data.items.length === 0 && <Empty>No history records.</Empty>}
        {history.data && history.data.items.length > 0 && <History domain={domain} profileId={profileId} records={history.data.items} />}
      </section>
    </>
  );
}

/** The latest job's profiles most like this one (MatchProfile): what a new job would likely group it with. */
function Similar({ domain, profileId }: { domain: string; profileId: string }) {
  const r = useAsync<MatchProfileResult | 'no-index'>(() => matchStoredProfile(domain, profileId).catch((e: unknown) => {
    if (e instanceof ApiError && e.code === 'ResourceNotFoundException' && /run a job first/.test(e.message)) return 'no-index';
    throw e;
  }), [domain, profileId]);
  const data = r.data;
  return (
    <section class="card" aria-labelledby="similar-h">
      <h2 id="similar-h">Similar profiles</h2>
      <ErrorBox error={r.error} title="Could not match the profile" />
      {r.loading && !data && <Loading what="similar profiles" />}
      {data === 'no-index' && <Empty>No identity resolution job has run on this domain yet: run one to find similar profiles.</Empty>}
      {data && data !== 'no-index' && (
        <>
          <p class="muted small" data-testid="similar-summary">
            Compared with {data.CandidatesCompared ?? 0} candidate profile(s) of job <code>{data.JobId}</code> (its blocking
            keys and model); listed from a match probability of 0.5.
          </p>
          {(data.Matches ?? []).length === 0 && <Empty>No similar profile reaches a match probability of 0.5.</Empty>}
          {(data.Matches ?? []).length > 0 && (
            <table class="table" data-testid="similar-profiles">
              <thead>
                <tr><th scope="col">Profile</th><th scope="col">Probability</th><th scope="col">Group in that job</th><th scope="col">Strongest evidence</th></tr>
              </thead>
              <tbody>
                {data.Matches!.map((m) => (
                  <tr key={m.ProfileId}>
                    <th scope="row"><a href={href.profile(domain, m.ProfileId)}><code>{m.ProfileId}</code></a></th>
                    <td class="num">{m.Probability.toFixed(4)}</td>
                    <td>{m.MatchId ? <code>{m.MatchId.slice(0, 16)}</code> : '—'}</td>
                    <td class="small">{strongest(m.Attributes ?? [])}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

/** The three attributes that weigh most either way, e.g. "email exact +9.1, birthDate else −3.0". */
function strongest(attrs: Array<{ Attribute: string; Level: string; Weight: number }>): string {
  return [...attrs].filter((a) => a.Weight !== 0).sort((x, y) => Math.abs(y.Weight) - Math.abs(x.Weight)).slice(0, 3)
    .map((a) => `${a.Attribute} ${a.Level} ${a.Weight > 0 ? '+' : '−'}${Math.abs(a.Weight).toFixed(1)}`).join(', ');
}

function History({ domain, profileId, records }: { domain: string; profileId: string; records: HistoryRecord[] }) {
  const [open, setOpen] = useState<string>();
  return (
    <table class="table" data-testid="history-table">
      <thead>
        <tr><th scope="col">Action</th><th scope="col">Object type</th><th scope="col">When</th><th scope="col">Performed by</th><th scope="col">Record</th></tr>
      </thead>
      <tbody>
        {records.map((r) => (
          <Fragment key={r.Id}>
            <tr class={r.ActionType === 'MERGED' || r.ActionType === 'DELETED_BY_MERGE' ? 'hl-merge' : ''}>
              <th scope="row" data-action={r.ActionType}>{r.ActionType}</th>
              <td>{r.ObjectTypeName}</td>
              <td>{fmtTime(r.CreatedAt)}</td>
              <td>{r.PerformedBy ?? '—'}</td>
              <td>
                <button type="button" class="small" aria-expanded={open === r.Id} onClick={() => setOpen(open === r.Id ? undefined : r.Id)}>
                  {open === r.Id ? 'Hide content' : 'Show content'}
                </button>
              </td>
            </tr>
            {open === r.Id && (
              <tr>
                <td colSpan={5}><RecordContent domain={domain} profileId={profileId} id={r.Id} /></td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

function RecordContent({ domain, profileId, id }: { domain: string; profileId: string; id: string }) {
  const r = useAsync(() => getHistoryRecord(domain, profileId, id), [id]);
  if (r.error) return <ErrorBox error={r.error} title="Could not load the record" />;
  if (!r.data) return <Loading what="record" />;
  return <pre class="json">{pretty(r.data.Content)}</pre>;
}

function pretty(s: string | undefined): string {
  if (!s) return '';
  try {
    return JSON.stringify(JSON.parse(s), null, 2);
  } catch {
    return s;
  }
}
