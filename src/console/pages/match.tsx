/**
 * One match group: profiles side by side with agreeing / disagreeing attributes highlighted, the engine's evidence
 * per pair as a match-weight waterfall, and a manual merge (MergeProfiles) with per-field source selection.
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import { batchGetProfiles, explainMatch, mergeProfiles } from '../api/ops.js';
import type { MatchExplanation, PairEvidence, Profile } from '../api/wire.js';
import { signed, Waterfall } from '../components/charts.js';
import { ConfirmDialog, Empty, ErrorBox, Loading, Notice } from '../components/common.js';
import { compareProfiles, fieldSources, type UnitRow } from '../profile-units.js';
import { href } from '../router.js';
import { fmtScore, useAsync } from '../util.js';

interface Props { domain: string; matchId: string; profileIds: string[]; score?: number }

export function MatchPage(props: Props) {
  const { domain, matchId } = props;
  const data = useAsync(async () => {
    // The explanation (extension) also names the group's profiles; the link's ids are the fallback.
    let explanation: MatchExplanation | undefined;
    let explanationError: unknown;
    try {
      explanation = await explainMatch(domain, matchId);
    } catch (e) {
      explanationError = e;
    }
    const ids = explanation?.ProfileIds?.length ? explanation.ProfileIds : props.profileIds;
    const got = ids.length ? await batchGetProfiles(domain, ids) : { Profiles: [], Errors: [] };
    const byId = new Map((got.Profiles ?? []).map((p) => [p.ProfileId!, p]));
    return { ids, profiles: ids.map((id) => byId.get(id)).filter((p): p is Profile => !!p), missing: got.Errors ?? [], explanation, explanationError };
  }, [domain, matchId]);
  const [merged, setMerged] = useState<{ main: string; count: number }>();

  const d = data.data;
  const score = d?.explanation?.ConfidenceScore ?? props.score;
  return (
    <>
      <h1 tabIndex={-1}>Match group <code class="small-code">{matchId.slice(0, 16)}</code></h1>
      <p>
        <a href={href.matches(domain)}>← All match groups</a>
        {score !== undefined && <> · ConfidenceScore <strong data-testid="group-score">{fmtScore(score)}</strong></>}
      </p>
      <ErrorBox error={data.error} title="Could not load the group" />
      {data.loading && !d && <Loading what="profiles and explanation" />}
      {merged && (
        <Notice kind="success">
          <span data-testid="merge-done">Merged {merged.count} profile(s) into </span>
          <a href={href.profile(domain, merged.main)}><code>{merged.main}</code></a>. Its history now records the merge.
        </Notice>
      )}
      {d && d.missing.length > 0 && (
        <Notice>
          {d.missing.length} profile(s) of this group no longer exist (merged or deleted since the job):{' '}
          {d.missing.map((e) => <code key={e.ProfileId}>{e.ProfileId.slice(0, 8)} </code>)}
        </Notice>
      )}
      {d && d.profiles.length === 0 && <Empty>None of this group's profiles exist any more.</Empty>}
      {d && d.profiles.length > 0 && (
        <>
          <Comparison domain={domain} profiles={d.profiles} disabled={!!merged}
            onMerged={(main, count) => { setMerged({ main, count }); data.reload(); }} />
          <section aria-labelledby="why-h">
            <h2 id="why-h">Why these profiles matched</h2>
            {d.explanationError ? (
              <ErrorBox error={d.explanationError} title="No explanation available" />
            ) : (
              <Explanation pairs={d.explanation?.Pairs ?? []} ids={d.ids} />
            )}
          </section>
        </>
      )}
    </>
  );
}

const label = (ids: string[], id: string) => `Profile ${ids.indexOf(id) + 1}`;

function Comparison(props: { domain: string; profiles: Profile[]; disabled: boolean; onMerged: (main: string, count: number) => void }) {
  const { profiles } = props;
  const ids = profiles.map((p) => p.ProfileId!);
  const rows = compareProfiles(profiles);
  const [main, setMain] = useState(ids[0]);
  const [choices, setChoices] = useState<Record<string, string>>({});
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const others = ids.filter((id) => id !== main);
  const sources = fieldSources(Object.fromEntries(Object.entries(choices).filter(([, v]) => v && v !== main)));

  const doMerge = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await mergeProfiles(props.domain, { MainProfileId: main, ProfileIdsToBeMerged: others, FieldSourceProfileIds: sources });
      if (r.Message && r.Message !== 'Success!') throw new ApiError('MergeProfiles', r.Message, 200);
      setConfirm(false);
      props.onMerged(main, others.length);
    } catch (e) {
      setError(e);
      setConfirm(false);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="cmp-h">
      <h2 id="cmp-h">Profiles side by side</h2>
      <p class="legend">
        <span class="swatch agree" /> same value <span class="swatch disagree" /> different values{' '}
        <span class="swatch partial" /> missing in some profiles
      </p>
      <div class="scroll-x">
        <table class="table compare" data-testid="compare-table">
          <thead>
            <tr>
              <th scope="col">Attribute</th>
              {profiles.map((p, i) => (
                <th scope="col" key={p.ProfileId}>
                  <div>Profile {i + 1}</div>
                  <a href={href.profile(props.domain, p.ProfileId!)}><code>{p.ProfileId!.slice(0, 12)}</code></a>
                  {profiles.length > 1 && (
                    <label class="check small">
                      <input type="radio" name="main-profile" checked={main === p.ProfileId} disabled={props.disabled}
                        onChange={() => setMain(p.ProfileId!)} />
                      Keep as main
                    </label>
                  )}
                </th>
              ))}
              {profiles.length > 1 && <th scope="col">Value to keep</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.unit} class={`cmp-${r.agreement}`} data-agreement={r.agreement}>
                <th scope="row">{r.unit}<span class="sr-only"> ({r.agreement === 'agree' ? 'same' : r.agreement === 'disagree' ? 'different' : 'missing in some'})</span></th>
                {r.values.map((v, i) => <td key={i} class="val">{v ?? <span class="muted">—</span>}</td>)}
                {profiles.length > 1 && (
                  <td>
                    {r.selectable && r.agreement !== 'agree' ? (
                      <SourceSelect row={r} ids={ids} main={main} value={choices[r.unit] ?? ''} disabled={props.disabled}
                        onChange={(v) => setChoices({ ...choices, [r.unit]: v })} />
                    ) : <span class="muted">{r.agreement === 'agree' ? 'same everywhere' : '—'}</span>}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ErrorBox error={error} title="The merge failed" />
      {profiles.length > 1 && (
        <div class="row">
          <button type="button" class="primary" disabled={props.disabled} onClick={() => setConfirm(true)}>
            Merge {others.length} profile(s) into {label(ids, main)}
          </button>
        </div>
      )}
      <ConfirmDialog open={confirm} title="Merge these profiles?" confirmLabel="Merge profiles" busy={busy}
        onConfirm={doMerge} onCancel={() => setConfirm(false)}>
        <p>
          {others.map((id) => label(ids, id)).join(', ')} will be merged into <strong>{label(ids, main)}</strong>{' '}
          (<code>{main}</code>) and deleted. Their keys and objects move to the main profile; the history keeps
          their previous content.
        </p>
        {sources ? (
          <p>Chosen values: {Object.entries(choices).filter(([, v]) => v && v !== main).map(([u, v]) => `${u} from ${label(ids, v)}`).join('; ')}.</p>
        ) : <p>Conflicting values: the main profile's value wins; missing values are filled from the others.</p>}
      </ConfirmDialog>
    </section>
  );
}

function SourceSelect(props: { row: UnitRow; ids: string[]; main: string; value: string; disabled: boolean; onChange: (v: string) => void }) {
  const id = `src-${props.row.unit}`;
  return (
    <>
      <label for={id} class="sr-only">Value of {props.row.unit} to keep</label>
      <select id={id} value={props.value} disabled={props.disabled} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <option value="">Automatic (main profile wins)</option>
        {props.ids.map((pid, i) => (
          <option key={pid} value={pid}>
            {`Profile ${i + 1}: ${props.row.values[i]?.split('\n')[0] ?? '(empty)'}`.slice(0, 60)}
          </option>
        ))}
      </select>
    </>
  );
}

function Explanation({ pairs, ids }: { pairs: PairEvidence[]; ids: string[] }) {
  if (pairs.length === 0) return <Empty>The engine recorded no pair evidence for this group.</Empty>;
  const sorted = [...pairs].sort((a, b) => b.Probability - a.Probability);
  const name = (id: string) => (ids.includes(id) ? label(ids, id) : id.slice(0, 8));
  return (
    <div data-testid="explanation">
      <p class="muted">
        Each pair's evidence in log₂ odds: the prior, then one step per compared attribute (green for evidence of a
        match, red against), ending at the pair's total weight and match probability.
      </p>
      {sorted.map((p, i) => {
        const body = (
          <div class="pair">
            <Waterfall title={`${name(p.ProfileIdA)} and ${name(p.ProfileIdB)}`} attributes={p.Attributes ?? []}
              totalWeight={p.TotalWeight} probability={p.Probability} />
            <table class="table evidence">
              <caption class="sr-only">Evidence per attribute for {name(p.ProfileIdA)} and {name(p.ProfileIdB)}</caption>
              <thead><tr><th scope="col">Attribute</th><th scope="col">Level</th><th scope="col" class="num">Weight</th><th scope="col">{name(p.ProfileIdA)}</th><th scope="col">{name(p.ProfileIdB)}</th></tr></thead>
              <tbody>
                {(p.Attributes ?? []).map((a) => (
                  <tr key={a.Attribute} class={a.Weight > 0 ? 'w-pos' : a.Weight < 0 ? 'w-neg' : ''}>
                    <th scope="row">{a.Attribute}</th><td>{a.Level}</td>
                    <td class="num">{signed(a.Weight)}</td>
                    <td>{a.ValueA ?? '—'}</td><td>{a.ValueB ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
        const title = `${name(p.ProfileIdA)} ↔ ${name(p.ProfileIdB)}: probability ${p.Probability.toFixed(3)}`;
        return i < 3 ? (
          <section key={i} class="card"><h3>{title}</h3>{body}</section>
        ) : (
          <details key={i} class="card"><summary>{title}</summary>{body}</details>
        );
      })}
    </div>
  );
}
