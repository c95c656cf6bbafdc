/** One job: every field of GetIdentityResolutionJob, its stages, and where the export was written. */
import { useRef } from 'preact/hooks';
import { getJob, getJobRun, type JobRun } from '../api/ops.js';
import type { Job } from '../api/wire.js';
import { DL, ErrorBox, Loading, StatusBadge } from '../components/common.js';
import { href } from '../router.js';
import { fmtDuration, fmtNum, fmtTime, toMs, useAsync, useInterval } from '../util.js';
import { ACTIVE, jobDuration } from './jobs.js';

const KIND = { FIRST: 'First run after matching was enabled', SCHEDULED: 'Weekly schedule', ON_DEMAND: 'Run job now (on demand)' } as const;
const STAGES = ['PENDING', 'PREPROCESSING', 'FIND_MATCHING', 'MERGING', 'COMPLETED'] as const;
const KNOWN_FIELDS = new Set([
  'DomainName', 'JobId', 'Status', 'Message', 'JobStartTime', 'JobEndTime', 'LastUpdatedAt', 'JobExpirationTime',
  'AutoMerging', 'ExportingLocation', 'JobStats',
]);

export function JobPage({ domain, jobId }: { domain: string; jobId: string }) {
  const job = useAsync(() => getJob(domain, jobId), [domain, jobId]);
  const status = job.data?.Status ?? '';
  // Stage start times as observed: LastUpdatedAt changes at every transition, so the first LastUpdatedAt seen
  // with a status is when that stage began (exact when the page polls during the job).
  const run = useAsync(() => getJobRun(domain, jobId).catch(() => undefined), [domain, jobId, status, job.data?.LastUpdatedAt]);
  const seen = useRef(new Map<string, number>());
  if (job.data?.Status && !seen.current.has(job.data.Status)) {
    const t = job.data.Status === 'PREPROCESSING' ? toMs(job.data.JobStartTime) : toMs(job.data.LastUpdatedAt);
    if (t !== undefined) seen.current.set(job.data.Status, t);
  }
  useInterval(job.reload, ACTIVE.has(status) ? 1000 : 10000, status !== 'COMPLETED' && status !== 'FAILED' && status !== 'PARTIAL_SUCCESS');
  return (
    <>
      <h1 tabIndex={-1}>Job <code class="small-code">{jobId}</code></h1>
      <p><a href={href.jobs(domain)}>← All jobs</a></p>
      <ErrorBox error={job.error} title="Could not load the job" />
      {job.loading && !job.data && <Loading what="job" />}
      {job.data && <JobDetail domain={domain} job={job.data} stages={seen.current} run={run.data} />}
    </>
  );
}

function JobDetail({ domain, job, stages, run }: { domain: string; job: Job; stages: Map<string, number>; run?: JobRun }) {
  const s3 = job.ExportingLocation?.S3Exporting;
  const am = job.AutoMerging;
  const extras = Object.entries(job).filter(([k]) => !KNOWN_FIELDS.has(k));
  return (
    <>
      <Stages status={job.Status} autoMerging={!!am?.Enabled} />
      <div class="grid-2">
        <section class="card" aria-labelledby="job-fields">
          <h2 id="job-fields">GetIdentityResolutionJob</h2>
          <DL rows={[
            ['DomainName', job.DomainName],
            ['JobId', <code>{job.JobId}</code>],
            ['Status', <span data-testid="job-status"><StatusBadge status={job.Status} /></span>],
            ['Message', job.Message ?? '—'],
            ['JobStartTime', fmtTime(job.JobStartTime)],
            ['JobEndTime', fmtTime(job.JobEndTime)],
            ['Duration', fmtDuration(jobDuration(job, Date.now()))],
            ['LastUpdatedAt', fmtTime(job.LastUpdatedAt)],
            ['JobExpirationTime', fmtTime(job.JobExpirationTime)],
            ['Started by', run?.Kind ? KIND[run.Kind] : '—'],
          ]} />
        </section>
        <section class="card" aria-labelledby="job-stats">
          <h2 id="job-stats">JobStats</h2>
          <DL rows={[
            ['NumberOfProfilesReviewed', fmtNum(job.JobStats?.NumberOfProfilesReviewed)],
            ['NumberOfMatchesFound', fmtNum(job.JobStats?.NumberOfMatchesFound)],
            ['NumberOfMergesDone', fmtNum(job.JobStats?.NumberOfMergesDone)],
          ]} />
          <h2>ExportingLocation</h2>
          {run?.ExportError && <p class="field-error">Export failed: {run.ExportError}</p>}
          {s3 ? (
            <>
              <p data-testid="export-location"><code>s3://{s3.S3BucketName}/{s3.S3KeyName ?? ''}</code></p>
              <p class="muted small">
                Files <code>CustomerProfilesPendingMatches-{job.DomainName}-part-N.csv</code>. Without a configured S3
                endpoint the server writes them to <code>&lt;data dir&gt;/s3/{s3.S3BucketName}/{s3.S3KeyName ?? ''}</code>.
              </p>
            </>
          ) : (
            <p class="muted">Nothing was exported (no ExportingConfig, or the job has not reached the export).</p>
          )}
          <h2>AutoMerging used by the job</h2>
          {!am ? <p class="muted">—</p> : !am.Enabled ? <p>Off</p> : (
            <DL rows={[
              ['Criteria', <ol class="compact">{am.Consolidation?.MatchingAttributesList.map((l, i) => <li key={i}>{l.join(' AND ')}</li>)}</ol>],
              ['ConflictResolution', `${am.ConflictResolution?.ConflictResolvingModel ?? '—'}${am.ConflictResolution?.SourceName ? ` (${am.ConflictResolution.SourceName})` : ''}`],
              ['MinAllowedConfidenceScoreForMerging', am.MinAllowedConfidenceScoreForMerging?.toString() ?? '—'],
            ]} />
          )}
        </section>
      </div>
      {run && Object.keys(run.StageTimingsMs).length > 0
        ? <MeasuredStageTimings run={run} />
        : <StageTimings job={job} observed={stages} />}
      {extras.length > 0 && (
        <section class="card" aria-labelledby="job-extra">
          <h2 id="job-extra">Coalesce details</h2>
          <DL rows={extras.map(([k, v]) => [k, <StageValue value={v} />])} />
        </section>
      )}
      {(job.Status === 'COMPLETED' || job.Status === 'PARTIAL_SUCCESS') && (
        <p><a href={href.matches(domain)}>Review the match groups →</a></p>
      )}
    </>
  );
}

/** Renders extension fields (e.g. per-stage timings) generically: numbers ending in Ms as durations. */
function StageValue({ value }: { value: unknown }) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return (
      <DL rows={Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k, typeof v === 'number' && /ms$/i.test(k) ? fmtDuration(v) : typeof v === 'object' ? <StageValue value={v} /> : String(v),
      ])} />
    );
  }
  if (Array.isArray(value)) return <pre class="json">{JSON.stringify(value, null, 2)}</pre>;
  return <>{String(value)}</>;
}

function Stages({ status, autoMerging }: { status?: string; autoMerging: boolean }) {
  const stages = STAGES.filter((s) => s !== 'MERGING' || autoMerging);
  const terminalBad = status === 'FAILED' || status === 'PARTIAL_SUCCESS';
  const idx = terminalBad ? stages.length - 1 : stages.indexOf(status as (typeof STAGES)[number]);
  return (
    <ol class="stages" aria-label="Job stages">
      {stages.map((s, i) => {
        const label = terminalBad && i === stages.length - 1 ? status! : s;
        const state = i < idx || (i === idx && (s === 'COMPLETED' || terminalBad)) ? 'done' : i === idx ? 'current' : 'todo';
        return (
          <li key={s} class={`stage stage-${state}${terminalBad && i === stages.length - 1 ? ' stage-bad' : ''}`}
            aria-current={i === idx ? 'step' : undefined}>
            {label}
          </li>
        );
      })}
    </ol>
  );
}

/** Per-stage timing from the transitions this page observed (LastUpdatedAt at each status change). */
function StageTimings({ job, observed }: { job: Job; observed: Map<string, number> }) {
  const order = ['PREPROCESSING', 'FIND_MATCHING', 'MERGING'];
  const rows = order.filter((s) => observed.has(s));
  if (rows.length === 0) return null;
  const end = toMs(job.JobEndTime);
  const next = (i: number) => {
    for (const s of [...order.slice(order.indexOf(rows[i]!) + 1), 'COMPLETED', 'PARTIAL_SUCCESS', 'FAILED']) {
      if (observed.has(s)) return observed.get(s);
    }
    return end ?? (ACTIVE.has(job.Status ?? '') ? Date.now() : undefined);
  };
  return (
    <section class="card" aria-labelledby="stage-h">
      <h2 id="stage-h">Stage timing</h2>
      <table class="table" data-testid="stage-timings">
        <thead><tr><th scope="col">Stage</th><th scope="col">Started</th><th scope="col" class="num">Duration</th></tr></thead>
        <tbody>
          {rows.map((s, i) => {
            const start = observed.get(s)!;
            const stop = next(i);
            return (
              <tr key={s}>
                <th scope="row">{s}</th>
                <td>{fmtTime(start / 1000)}</td>
                <td class="num">{stop !== undefined ? fmtDuration(stop - start) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p class="muted small">
        From the status changes seen while this page was open (each change sets LastUpdatedAt); a stage that began
        and ended between two refreshes is counted in the next one.
      </p>
    </section>
  );
}

/** Stage timings measured by the job runner (stages in the order they run). */
function MeasuredStageTimings({ run }: { run: JobRun }) {
  const order = ['PREPROCESSING', 'FIND_MATCHING', 'MERGING', 'EXPORT'];
  const names = Object.keys(run.StageTimingsMs).sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
  const total = names.reduce((s, n) => s + run.StageTimingsMs[n]!, 0);
  return (
    <section class="card" aria-labelledby="stage-h">
      <h2 id="stage-h">Stage timing</h2>
      <table class="table" data-testid="stage-timings">
        <thead><tr><th scope="col">Stage</th><th scope="col" class="num">Duration</th><th scope="col">Share</th></tr></thead>
        <tbody>
          {names.map((n) => {
            const ms = run.StageTimingsMs[n]!;
            return (
              <tr key={n}>
                <th scope="row">{n}</th>
                <td class="num">{fmtDuration(ms)}</td>
                <td><span class="scorebar" aria-hidden="true"><span style={{ width: `${total ? (ms / total) * 100 : 0}%` }} /></span>{total ? `${Math.round((ms / total) * 100)} %` : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p class="muted small">Measured by the job runner for each stage it completed (time to start the job worker is not part of any stage).</p>
    </section>
  );
}
