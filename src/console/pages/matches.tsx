/** Match groups of the latest job: sortable and filterable by ConfidenceScore, with a histogram of scores. */
import { useMemo, useState } from 'preact/hooks';
import { getAllMatches } from '../api/ops.js';
import { Histogram } from '../components/charts.js';
import { Empty, ErrorBox, Loading } from '../components/common.js';
import { href } from '../router.js';
import { fmtNum, fmtScore, fmtTime, useAsync } from '../util.js';

type Sort = 'score-desc' | 'score-asc' | 'size-desc';
const PAGE = 50;

export function MatchesPage({ domain }: { domain: string }) {
  const m = useAsync(() => getAllMatches(domain), [domain]);
  const [min, setMin] = useState(0);
  const [max, setMax] = useState(1);
  const [sort, setSort] = useState<Sort>('score-desc');
  const [page, setPage] = useState(0);

  const rows = useMemo(() => {
    const all = (m.data?.matches ?? []).filter((g) => {
      const s = g.ConfidenceScore ?? 0;
      return s >= min - 1e-9 && s <= max + 1e-9;
    });
    const score = (g: { ConfidenceScore?: number }) => g.ConfidenceScore ?? 0;
    all.sort(sort === 'score-asc' ? (a, b) => score(a) - score(b)
      : sort === 'size-desc' ? (a, b) => (b.ProfileIds?.length ?? 0) - (a.ProfileIds?.length ?? 0) || score(b) - score(a)
        : (a, b) => score(b) - score(a));
    return all;
  }, [m.data, min, max, sort]);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));
  const shown = rows.slice(page * PAGE, page * PAGE + PAGE);
  const setRange = (a: number, b: number) => { setMin(a); setMax(b); setPage(0); };

  return (
    <>
      <h1 tabIndex={-1}>Match groups</h1>
      <ErrorBox error={m.error} title="Could not load the matches" />
      {m.loading && !m.data && <Loading what="match groups" />}
      {m.data && m.data.matches.length === 0 && (
        <Empty>
          No match groups. They appear after an Identity Resolution Job completes —{' '}
          <a href={href.jobs(domain)}>see the jobs</a>.
        </Empty>
      )}
      {m.data && m.data.matches.length > 0 && (
        <>
          <p class="muted">
            {fmtNum(m.data.potentialMatches)} potential matches, generated {fmtTime(m.data.generatedAt)}
            {m.data.truncated ? ' (the first 5,000 groups are shown)' : ''}.
          </p>
          <div class="grid-2">
            <section class="card" aria-labelledby="hist-h">
              <h2 id="hist-h">ConfidenceScore distribution</h2>
              <Histogram scores={m.data.matches.map((g) => g.ConfidenceScore ?? 0)} onSelect={setRange} selected={[min, max]} />
              <p class="muted small">Select a bar to show only that score range.</p>
            </section>
            <section class="card" aria-labelledby="filter-h">
              <h2 id="filter-h">Filter and sort</h2>
              <div class="row">
                <div class="field">
                  <label for="min-score">Min score</label>
                  <input id="min-score" type="number" min={0} max={1} step={0.01} value={min}
                    onInput={(e) => { setMin(Number(e.currentTarget.value) || 0); setPage(0); }} />
                </div>
                <div class="field">
                  <label for="max-score">Max score</label>
                  <input id="max-score" type="number" min={0} max={1} step={0.01} value={max}
                    onInput={(e) => { const v = e.currentTarget.value; setMax(v === '' ? 1 : Number(v)); setPage(0); }} />
                </div>
                <div class="field">
                  <label for="sort">Sort by</label>
                  <select id="sort" value={sort} onChange={(e) => setSort(e.currentTarget.value as Sort)}>
                    <option value="score-desc">Score, highest first</option>
                    <option value="score-asc">Score, lowest first</option>
                    <option value="size-desc">Group size, largest first</option>
                  </select>
                </div>
              </div>
              <p>
                <button type="button" onClick={() => setRange(0, 1)} disabled={min === 0 && max === 1}>Clear filter</button>{' '}
                <span role="status">{fmtNum(rows.length)} of {fmtNum(m.data.matches.length)} groups</span>
              </p>
            </section>
          </div>
          {rows.length === 0 ? <Empty>No group has a score in this range.</Empty> : (
            <table class="table" data-testid="matches-table">
              <thead>
                <tr>
                  <th scope="col">MatchId</th>
                  <th scope="col" class="num">Profiles</th>
                  <th scope="col">ConfidenceScore</th>
                  <th scope="col">ProfileIds</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((g) => (
                  <tr key={g.MatchId}>
                    <th scope="row">
                      <a href={href.match(domain, g.MatchId!, g.ProfileIds ?? [], g.ConfidenceScore)}><code>{g.MatchId?.slice(0, 16)}</code></a>
                    </th>
                    <td class="num">{g.ProfileIds?.length ?? 0}</td>
                    <td>
                      <span class="scorebar" aria-hidden="true"><span style={{ width: `${(g.ConfidenceScore ?? 0) * 100}%` }} /></span>
                      {fmtScore(g.ConfidenceScore)}
                    </td>
                    <td class="ids">{g.ProfileIds?.map((id) => <code key={id}>{id.slice(0, 8)}</code>)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {pages > 1 && (
            <nav class="pager" aria-label="Pages of match groups">
              <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>Previous</button>
              <span>Page {page + 1} of {pages}</span>
              <button type="button" disabled={page >= pages - 1} onClick={() => setPage(page + 1)}>Next</button>
            </nav>
          )}
        </>
      )}
    </>
  );
}
