/** Domain overview: Stats and a summary of the matching configuration. */
import { getDomain } from '../api/ops.js';
import type { Domain } from '../api/wire.js';
import { DL, ErrorBox, Loading } from '../components/common.js';
import { href } from '../router.js';
import { fmtBytes, fmtNum, fmtTime, useAsync } from '../util.js';

export function DomainPage({ domain }: { domain: string }) {
  const d = useAsync(() => getDomain(domain), [domain]);
  return (
    <>
      <h1 tabIndex={-1}>{domain}</h1>
      <ErrorBox error={d.error} title="Could not load the domain" />
      {d.loading && !d.data && <Loading what="domain" />}
      {d.data && (
        <div class="grid-2">
          <section class="card" aria-labelledby="stats-h">
            <h2 id="stats-h">Stats</h2>
            <div class="stats">
              <Stat label="Profiles" value={fmtNum(d.data.Stats?.ProfileCount)} testid="stat-profiles" />
              <Stat label="Objects" value={fmtNum(d.data.Stats?.ObjectCount)} />
              <Stat label="Metering profiles" value={fmtNum(d.data.Stats?.MeteringProfileCount)} />
              <Stat label="Total size" value={fmtBytes(d.data.Stats?.TotalSize)} />
            </div>
            <DL rows={[
              ['Default expiration', `${d.data.DefaultExpirationDays ?? '—'} days`],
              ['Created', fmtTime(d.data.CreatedAt)],
              ['Last updated', fmtTime(d.data.LastUpdatedAt)],
            ]} />
          </section>
          <MatchingSummary domain={d.data} />
        </div>
      )}
    </>
  );
}

function Stat({ label, value, testid }: { label: string; value: string; testid?: string }) {
  return (
    <div class="stat">
      <div class="stat-value" data-testid={testid}>{value}</div>
      <div class="stat-label">{label}</div>
    </div>
  );
}

function MatchingSummary({ domain }: { domain: Domain }) {
  const m = domain.Matching;
  const am = m?.AutoMerging;
  const s3 = m?.ExportingConfig?.S3Exporting;
  return (
    <section class="card" aria-labelledby="matching-h">
      <h2 id="matching-h">Identity resolution</h2>
      {!m?.Enabled ? (
        <p>Matching is off. <a href={href.settings(domain.DomainName)}>Enable matching</a> to find duplicate profiles.</p>
      ) : (
        <DL rows={[
          ['Matching', 'Enabled'],
          ['Schedule', m.JobSchedule ? `${m.JobSchedule.DayOfTheWeek} ${m.JobSchedule.Time} UTC` : 'Default (SATURDAY 00:00 UTC)'],
          ['Auto-merging', am?.Enabled ? `Enabled, ${am.Consolidation?.MatchingAttributesList.length ?? 0} criteria` : 'Off'],
          ['Conflict resolution', am?.ConflictResolution
            ? `${am.ConflictResolution.ConflictResolvingModel}${am.ConflictResolution.SourceName ? ` (${am.ConflictResolution.SourceName})` : ''}` : '—'],
          ['Min. confidence to merge', am?.MinAllowedConfidenceScoreForMerging?.toString() ?? '—'],
          ['Export', s3 ? `s3://${s3.S3BucketName}/${s3.S3KeyName ?? ''}` : 'None'],
        ]} />
      )}
      <p class="links">
        <a href={href.settings(domain.DomainName)}>Edit matching settings</a> ·{' '}
        <a href={href.jobs(domain.DomainName)}>Jobs</a> · <a href={href.matches(domain.DomainName)}>Matches</a> ·{' '}
        <a href={href.profiles(domain.DomainName)}>Profiles</a>
      </p>
    </section>
  );
}
