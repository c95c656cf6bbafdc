/**
 * Matching / AutoMerging / ExportingConfig editor. Validates like the API before sending, shows the API's own
 * validation errors, and runs GetAutoMergingPreview before saving auto-merging settings.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { autoMergingPreview, getDomain, listObjectTypes, updateDomain } from '../api/ops.js';
import type { Domain, MatchingRequest, PreviewResponse } from '../api/wire.js';
import { ConfirmDialog, ErrorBox, Loading, Notice } from '../components/common.js';
import { CriteriaEditor } from '../components/criteria.js';
import { DAYS, TIME_RE, validateMatching } from '../matching-rules.js';
import { href } from '../router.js';
import { fmtNum, useAsync } from '../util.js';

interface Form {
  enabled: boolean;
  customSchedule: boolean;
  day: (typeof DAYS)[number];
  time: string;
  amEnabled: boolean;
  criteria: string[][];
  model: 'RECENCY' | 'SOURCE';
  sourceName: string;
  useMinScore: boolean;
  minScore: number;
  exportEnabled: boolean;
  bucket: string;
  keyName: string;
}

function fromDomain(d: Domain): Form {
  const m = d.Matching;
  const am = m?.AutoMerging;
  const s3 = m?.ExportingConfig?.S3Exporting;
  return {
    enabled: !!m?.Enabled,
    customSchedule: !!m?.JobSchedule,
    day: m?.JobSchedule?.DayOfTheWeek ?? 'SATURDAY',
    time: m?.JobSchedule?.Time ?? '00:00',
    amEnabled: !!am?.Enabled,
    criteria: am?.Consolidation?.MatchingAttributesList?.map((l) => [...l]) ?? [['EmailAddress']],
    model: am?.ConflictResolution?.ConflictResolvingModel ?? 'RECENCY',
    sourceName: am?.ConflictResolution?.SourceName ?? '',
    useMinScore: am?.MinAllowedConfidenceScoreForMerging !== undefined,
    minScore: am?.MinAllowedConfidenceScoreForMerging ?? 0.9,
    exportEnabled: !!s3,
    bucket: s3?.S3BucketName ?? '',
    keyName: s3?.S3KeyName ?? '',
  };
}

function toMatching(f: Form): MatchingRequest {
  const m: MatchingRequest = { Enabled: f.enabled };
  if (f.customSchedule) m.JobSchedule = { DayOfTheWeek: f.day, Time: f.time };
  if (f.amEnabled) {
    m.AutoMerging = {
      Enabled: true,
      Consolidation: { MatchingAttributesList: f.criteria },
      ConflictResolution: f.model === 'SOURCE'
        ? { ConflictResolvingModel: 'SOURCE', SourceName: f.sourceName.trim() }
        : { ConflictResolvingModel: 'RECENCY' },
      ...(f.useMinScore ? { MinAllowedConfidenceScoreForMerging: f.minScore } : {}),
    };
  } else {
    m.AutoMerging = { Enabled: false };
  }
  if (f.exportEnabled) {
    m.ExportingConfig = { S3Exporting: { S3BucketName: f.bucket.trim(), ...(f.keyName.trim() ? { S3KeyName: f.keyName.trim() } : {}) } };
  }
  return m;
}

export function SettingsPage({ domain }: { domain: string }) {
  const d = useAsync(() => getDomain(domain), [domain]);
  const types = useAsync(() => listObjectTypes(domain).then((r) => r.items.map((t) => t.ObjectTypeName)), [domain]);
  const [form, setForm] = useState<Form>();
  useEffect(() => { if (d.data && !form) setForm(fromDomain(d.data)); }, [d.data]);
  if (d.error && !d.data) return <><h1 tabIndex={-1}>Matching settings</h1><ErrorBox error={d.error} title="Could not load the domain" /></>;
  if (!form) return <><h1 tabIndex={-1}>Matching settings</h1><Loading what="settings" /></>;
  return <Editor domain={domain} form={form} setForm={setForm} objectTypes={types.data ?? []} onSaved={d.reload} />;
}

function Editor(props: { domain: string; form: Form; setForm: (f: Form) => void; objectTypes: string[]; onSaved: () => void }) {
  const { domain, form } = props;
  const set = <K extends keyof Form>(k: K, v: Form[K]) => props.setForm({ ...form, [k]: v });
  const matching = useMemo(() => toMatching(form), [form]);
  const problems = validateMatching(matching);
  const [showProblems, setShowProblems] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [confirm, setConfirm] = useState(false);
  const [preview, setPreview] = useState<{ result?: PreviewResponse; error?: unknown; loading: boolean }>();

  const runPreview = async () => {
    if (!matching.AutoMerging?.Enabled) return;
    setPreview({ loading: true });
    const am = matching.AutoMerging;
    try {
      const result = await autoMergingPreview(domain, {
        Consolidation: am.Consolidation!,
        ConflictResolution: am.ConflictResolution!,
        MinAllowedConfidenceScoreForMerging: am.MinAllowedConfidenceScoreForMerging,
      });
      setPreview({ result, loading: false });
    } catch (error) {
      setPreview({ error, loading: false });
    }
  };

  const save = async () => {
    setSaving(true);
    setSaveError(undefined);
    setSaved(false);
    try {
      await updateDomain(domain, { Matching: matching });
      setSaved(true);
      setConfirm(false);
      props.onSaved();
    } catch (e) {
      setSaveError(e);
      setConfirm(false);
    } finally {
      setSaving(false);
    }
  };

  const onSubmit = (e: Event) => {
    e.preventDefault();
    setSaved(false);
    if (problems.length) {
      setShowProblems(true);
      return;
    }
    if (matching.AutoMerging?.Enabled) {
      // Show what these settings would merge before they are saved.
      setConfirm(true);
      void runPreview();
    } else {
      void save();
    }
  };

  return (
    <form onSubmit={onSubmit} aria-labelledby="settings-h" class="settings" noValidate>
      <h1 id="settings-h" tabIndex={-1}>Matching settings</h1>
      {saved && <Notice kind="success">Settings saved. <a href={href.jobs(domain)}>See the jobs</a>.</Notice>}
      <ErrorBox error={saveError} title="The API refused these settings" />
      {showProblems && problems.length > 0 && (
        <div class="alert alert-error" role="alert" data-testid="validation-errors">
          <strong>Please fix these before saving:</strong>
          <ul>{problems.map((p) => <li key={p}>{p}</li>)}</ul>
        </div>
      )}

      <fieldset class="card">
        <legend>Identity resolution</legend>
        <label class="check">
          <input type="checkbox" checked={form.enabled} onChange={(e) => set('enabled', e.currentTarget.checked)} />
          Enable matching (Identity Resolution Jobs)
        </label>
        <label class="check">
          <input type="checkbox" checked={form.customSchedule} onChange={(e) => set('customSchedule', e.currentTarget.checked)} />
          Custom weekly schedule (default: SATURDAY 00:00 UTC)
        </label>
        {form.customSchedule && (
          <div class="row">
            <div class="field">
              <label for="sched-day">Day of the week</label>
              <select id="sched-day" value={form.day} onChange={(e) => set('day', e.currentTarget.value as Form['day'])}>
                {DAYS.map((d) => <option key={d} value={d}>{d}</option>)}
              </select>
            </div>
            <div class="field">
              <label for="sched-time">Time (UTC, HH:MM)</label>
              <input id="sched-time" value={form.time} onInput={(e) => set('time', e.currentTarget.value)} placeholder="00:00"
                aria-invalid={!TIME_RE.test(form.time)} inputMode="numeric" size={6} />
            </div>
          </div>
        )}
      </fieldset>

      <fieldset class="card">
        <legend>Auto-merging</legend>
        <label class="check">
          <input type="checkbox" checked={form.amEnabled} onChange={(e) => set('amEnabled', e.currentTarget.checked)} />
          Merge duplicates automatically after each job
        </label>
        {form.amEnabled && (
          <>
            <CriteriaEditor criteria={form.criteria} onChange={(c) => set('criteria', c)} />
            <fieldset class="inner">
              <legend>Conflict resolution</legend>
              <label class="check">
                <input type="radio" name="crm" value="RECENCY" checked={form.model === 'RECENCY'} onChange={() => set('model', 'RECENCY')} />
                RECENCY — the most recently updated value wins
              </label>
              <label class="check">
                <input type="radio" name="crm" value="SOURCE" checked={form.model === 'SOURCE'} onChange={() => set('model', 'SOURCE')} />
                SOURCE — values from one object type win
              </label>
              {form.model === 'SOURCE' && (
                <div class="field">
                  <label for="source-name">Source name (object type)</label>
                  <input id="source-name" list="object-type-names" value={form.sourceName}
                    onInput={(e) => set('sourceName', e.currentTarget.value)} />
                  <datalist id="object-type-names">
                    {props.objectTypes.map((t) => <option key={t} value={t} />)}
                  </datalist>
                </div>
              )}
            </fieldset>
            <fieldset class="inner">
              <legend>Minimum confidence score</legend>
              <label class="check">
                <input type="checkbox" checked={form.useMinScore} onChange={(e) => set('useMinScore', e.currentTarget.checked)} />
                Only merge groups with a confidence score of at least…
              </label>
              {form.useMinScore && (
                <div class="slider">
                  <label for="min-score" class="sr-only">Minimum confidence score</label>
                  <input id="min-score" type="range" min={0} max={1} step={0.01} value={form.minScore}
                    onInput={(e) => set('minScore', Number(e.currentTarget.value))} />
                  <output for="min-score" data-testid="min-score-value">{form.minScore.toFixed(2)}</output>
                </div>
              )}
            </fieldset>
            <div class="row">
              <button type="button" onClick={() => { if (problems.length) setShowProblems(true); else void runPreview(); }}>
                Preview merges
              </button>
            </div>
            {preview && !confirm && <PreviewResult preview={preview} />}
          </>
        )}
      </fieldset>

      <fieldset class="card">
        <legend>Export of job results</legend>
        <label class="check">
          <input type="checkbox" checked={form.exportEnabled} onChange={(e) => set('exportEnabled', e.currentTarget.checked)} />
          Write each job's match groups as CSV to an S3 location
        </label>
        {form.exportEnabled && (
          <div class="row">
            <div class="field">
              <label for="s3-bucket">S3 bucket name</label>
              <input id="s3-bucket" value={form.bucket} onInput={(e) => set('bucket', e.currentTarget.value)} />
            </div>
            <div class="field grow">
              <label for="s3-key">Key prefix (optional)</label>
              <input id="s3-key" value={form.keyName} onInput={(e) => set('keyName', e.currentTarget.value)} />
            </div>
          </div>
        )}
      </fieldset>

      <div class="row sticky-actions">
        <button type="submit" class="primary" disabled={saving}>{saving ? 'Saving…' : 'Save settings'}</button>
        <a href={href.domain(domain)}>Cancel</a>
      </div>

      <ConfirmDialog
        open={confirm}
        title="Save auto-merging settings?"
        confirmLabel={preview?.error ? 'Save anyway' : 'Save settings'}
        busy={saving || preview?.loading}
        onConfirm={save}
        onCancel={() => setConfirm(false)}
      >
        <p>With these settings, applied to a sample of the latest job's match groups:</p>
        {preview && <PreviewResult preview={preview} />}
      </ConfirmDialog>
    </form>
  );
}

function PreviewResult({ preview }: { preview: { result?: PreviewResponse; error?: unknown; loading: boolean } }) {
  if (preview.loading) return <Loading what="merge preview" />;
  if (preview.error) return <ErrorBox error={preview.error} title="No merge preview" />;
  const r = preview.result!;
  return (
    <div class="preview" data-testid="merge-preview" role="status">
      <div class="stat"><div class="stat-value">{fmtNum(r.NumberOfMatchesInSample)}</div><div class="stat-label">match groups in sample</div></div>
      <div class="stat"><div class="stat-value">{fmtNum(r.NumberOfProfilesInSample)}</div><div class="stat-label">profiles in sample</div></div>
      <div class="stat"><div class="stat-value">{fmtNum(r.NumberOfProfilesWillBeMerged)}</div><div class="stat-label">profiles would be merged</div></div>
    </div>
  );
}
