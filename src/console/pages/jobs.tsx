/** Jobs of a domain with live status (polling), JobStats, Message and "Run job now" (Coalesce extension). */
import { useEffect, useRef, useState } from 'preact/hooks';
import { getDomain, listJobs, startJob } from '../api/ops.js';
import type { JobItem } from '../api/wire.js';
import { Empty, ErrorBox, Loading, Notice, StatusBadge } from '../components/common.js';
import { href } from '../router.js';
import { fmtDuration, fmtNum, fmtTime, toMs, useAsync, useInterval } from '../util.js';

export const ACTIVE = new Set(['PREPROCESSING', 'FIND_MATCHING', 'MERGING']);

export function jobDuration(j: { JobStartTime?: number; JobEndTime?: number; Status?: string }, nowMs: number): number | undefined {
  const start = toMs(j.JobStartTime);
  if (start === undefined || j.Status === 'PENDING') return undefined;
  return (toMs(j.JobEndTime) ?? nowMs) - start;
}

export function JobsPage({ domain }: { domain: string }) {
  const jobs = useAsync(() => listJobs(domain), [domain]);
  const dom = useAsync(() => getDomain(domain), [domain]);
  const running = (jobs.data?.items ?? []).some((j) => ACTIVE.has(j.Status ?? ''));
  // Live status: poll quickly while a job runs, slowly otherwise (a PENDING job may start any time).
  useInterval(jobs.reload, running ? 1500 : 10000, true);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<unknown>();
  const [started, setStarted] = useState<string>();

  const runNow = async () => {
    setStarting(true);
    setStartError(undefined);
    setStarted(undefined);
    try {
      const r = await startJob(domain);
      setStarted(r.JobId);
      jobs.reload();
    } catch (e) {
      setStartError(e);
    } finally {
      setStarting(false);
    }
  };

  // One polite live region announces status changes (rather than every cell of every refresh).
  const previous = useRef(new Map<string, string>());
  const [announcement, setAnnouncement] = useState('');
  useEffect(() => {
    const changes: string[] = [];
    for (const j of jobs.data?.items ?? []) {
      const before = previous.current.get(j.JobId!);
      if (before && before !== j.Status) changes.push(`Job ${j.JobId!.slice(0, 8)} is now ${j.Status}`);
      previous.current.set(j.JobId!, j.Status ?? '');
    }
    if (changes.length) setAnnouncement(changes.join('. '));
  }, [jobs.data]);

  const matchingOff = dom.data && !dom.data.Matching?.Enabled;
  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>Identity resolution jobs</h1>
        <span class="spacer" />
        <span class="live muted" aria-live="off">{running ? 'Live: refreshing every 1.5 s' : 'Refreshing every 10 s'}</span>
        <button type="button" class="primary" onClick={runNow} disabled={starting || running}
          title={running ? 'A job is already running' : undefined}>
          {starting ? 'Starting…' : 'Run job now'}
        </button>
      </div>
      <p class="sr-only" aria-live="polite" role="status">{announcement}</p>
      {matchingOff && (
        <Notice>Matching is not enabled for this domain. <a href={href.settings(domain)}>Enable it</a> to run jobs.</Notice>
      )}
      {started && (
        <Notice kind="success">Job <a href={href.job(domain, started)}><code>{started}</code></a> started.</Notice>
      )}
      <ErrorBox error={startError} title="Could not start a job" />
      <ErrorBox error={jobs.error} title="Could not list the jobs" />
      {jobs.loading && !jobs.data && <Loading what="jobs" />}
      {jobs.data && jobs.data.items.length === 0 && (
        <Empty>No jobs yet. Jobs run on the weekly schedule once matching is enabled, or start one with “Run job now”.</Empty>
      )}
      {jobs.data && jobs.data.items.length > 0 && <JobsTable domain={domain} jobs={jobs.data.items} />}
    </>
  );
}

function JobsTable({ domain, jobs }: { domain: string; jobs: JobItem[] }) {
  const now = Date.now();
  return (
    <table class="table" data-testid="jobs-table">
      <caption class="sr-only">Jobs, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Job</th>
          <th scope="col">Status</th>
          <th scope="col">Start</th>
          <th scope="col">End</th>
          <th scope="col" class="num">Duration</th>
          <th scope="col" class="num">Reviewed</th>
          <th scope="col" class="num">Matches</th>
          <th scope="col" class="num">Merges</th>
          <th scope="col">Message</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((j) => (
          <tr key={j.JobId} data-job-id={j.JobId}>
            <th scope="row"><a href={href.job(domain, j.JobId!)}><code>{j.JobId?.slice(0, 12)}…</code></a></th>
            <td><StatusBadge status={j.Status} /></td>
            <td>{fmtTime(j.JobStartTime)}</td>
            <td>{fmtTime(j.JobEndTime)}</td>
            <td class="num">{fmtDuration(jobDuration(j, now))}</td>
            <td class="num">{fmtNum(j.JobStats?.NumberOfProfilesReviewed)}</td>
            <td class="num">{fmtNum(j.JobStats?.NumberOfMatchesFound)}</td>
            <td class="num">{fmtNum(j.JobStats?.NumberOfMergesDone)}</td>
            <td class="message">{j.Message ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
