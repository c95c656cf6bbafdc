/**
 * Upload jobs (ingestion area). Progress is committed in the same transaction as each batch of profiles
 * (`last_line` = last source line whose batch is written, with the counts up to it), so a job interrupted by a crash
 * resumes after that line with exact counts. The uploaded file lives in <dataDir>/uploads/<job_id>.
 */
import type { Migration } from './index.js';

export const m020Uploads: Migration = {
  version: 20,
  name: 'upload-jobs',
  sql: `
CREATE TABLE upload_jobs (
  domain_name TEXT NOT NULL REFERENCES domains(domain_name) ON DELETE CASCADE,
  job_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  fields TEXT NOT NULL,               -- JSON FieldMap
  unique_key TEXT NOT NULL,
  data_expiry INTEGER,
  status TEXT NOT NULL,               -- UploadJobStatus
  status_reason TEXT,                 -- VALIDATION_FAILURE | INTERNAL_FAILURE
  message TEXT,                       -- why (logs, console), not in the API
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  completed_at INTEGER,
  uploaded_bytes INTEGER,             -- size of the uploaded file; NULL until the PUT succeeded
  uploaded_at INTEGER,
  created_records INTEGER NOT NULL DEFAULT 0,
  updated_records INTEGER NOT NULL DEFAULT 0,
  failed_records INTEGER NOT NULL DEFAULT 0,
  last_line INTEGER NOT NULL DEFAULT 0,
  stop_requested INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (domain_name, job_id)
) WITHOUT ROWID;
CREATE INDEX upload_jobs_by_created ON upload_jobs (domain_name, created_at DESC, job_id DESC);
CREATE INDEX upload_jobs_by_status ON upload_jobs (status);
`,
};
