/**
 * Core schema: settings, domains (with live stats maintained by triggers), profiles, profile keys, object types,
 * profile objects, history and identity resolution jobs. Every table references its domain with ON DELETE CASCADE,
 * so DeleteDomain removes everything (other areas' tables should do the same).
 */
import type { Migration } from './index.js';

export const m001Core: Migration = {
  version: 1,
  name: 'core',
  sql: `
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Per-data-dir secret for pagination tokens.
INSERT INTO settings (key, value) VALUES ('token_secret', lower(hex(randomblob(32))));

CREATE TABLE domains (
  domain_name TEXT PRIMARY KEY,
  record TEXT NOT NULL,               -- JSON DomainRecord
  created_at INTEGER NOT NULL,
  last_updated_at INTEGER NOT NULL
);

-- Live counters kept by triggers, so GetDomain is O(1) whoever writes profiles/objects.
CREATE TABLE domain_stats (
  domain_name TEXT PRIMARY KEY REFERENCES domains(domain_name) ON DELETE CASCADE,
  profile_count INTEGER NOT NULL DEFAULT 0,
  object_count INTEGER NOT NULL DEFAULT 0,
  total_size INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER domains_stats_ai AFTER INSERT ON domains BEGIN
  INSERT INTO domain_stats (domain_name) VALUES (NEW.domain_name);
END;

CREATE TABLE profiles (
  domain_name TEXT NOT NULL REFERENCES domains(domain_name) ON DELETE CASCADE,
  profile_id TEXT NOT NULL,
  data TEXT NOT NULL,                 -- JSON ProfileData
  meta TEXT NOT NULL,                 -- JSON Record<dotted path, FieldMeta>
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (domain_name, profile_id)
) WITHOUT ROWID;
CREATE TRIGGER profiles_ai AFTER INSERT ON profiles BEGIN
  UPDATE domain_stats SET profile_count = profile_count + 1, total_size = total_size + length(NEW.data)
  WHERE domain_name = NEW.domain_name;
END;
-- A deleted profile takes its keys and objects with it (merges move them to the main profile first).
CREATE TRIGGER profiles_ad AFTER DELETE ON profiles BEGIN
  UPDATE domain_stats SET profile_count = profile_count - 1, total_size = total_size - length(OLD.data)
  WHERE domain_name = OLD.domain_name;
  DELETE FROM profile_keys WHERE domain_name = OLD.domain_name AND profile_id = OLD.profile_id;
  DELETE FROM profile_objects WHERE domain_name = OLD.domain_name AND profile_id = OLD.profile_id;
END;
CREATE TRIGGER profiles_au AFTER UPDATE OF data ON profiles BEGIN
  UPDATE domain_stats SET total_size = total_size - length(OLD.data) + length(NEW.data)
  WHERE domain_name = NEW.domain_name;
END;

-- Search keys. derived = 1: computed from the profile's fields (_email, _phone, _fullName, _account; _profileId reads profiles),
-- recomputed on every write; derived = 0: AddProfileKey and object-type keys, kept until deleted.
CREATE TABLE profile_keys (
  domain_name TEXT NOT NULL REFERENCES domains(domain_name) ON DELETE CASCADE,
  key_name TEXT NOT NULL,
  value TEXT NOT NULL,
  profile_id TEXT NOT NULL,
  derived INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (domain_name, key_name, value, profile_id, derived)
) WITHOUT ROWID;
CREATE INDEX profile_keys_by_profile ON profile_keys (domain_name, profile_id);

CREATE TABLE object_types (
  domain_name TEXT NOT NULL REFERENCES domains(domain_name) ON DELETE CASCADE,
  object_type_name TEXT NOT NULL,
  record TEXT NOT NULL,               -- JSON ObjectTypeRecord
  created_at INTEGER NOT NULL,
  PRIMARY KEY (domain_name, object_type_name)
) WITHOUT ROWID;

CREATE TABLE profile_objects (
  domain_name TEXT NOT NULL REFERENCES domains(domain_name) ON DELETE CASCADE,
  object_type_name TEXT NOT NULL,
  unique_key TEXT NOT NULL,
  profile_id TEXT NOT NULL,
  object TEXT NOT NULL,
  keys TEXT NOT NULL,                 -- JSON Record<keyName, values[]>
  created_at INTEGER NOT NULL,
  PRIMARY KEY (domain_name, object_type_name, unique_key)
) WITHOUT ROWID;
CREATE INDEX profile_objects_by_profile ON profile_objects (domain_name, profile_id, object_type_name, created_at);
CREATE TRIGGER profile_objects_ai AFTER INSERT ON profile_objects BEGIN
  UPDATE domain_stats SET object_count = object_count + 1, total_size = total_size + length(NEW.object)
  WHERE domain_name = NEW.domain_name;
END;
CREATE TRIGGER profile_objects_ad AFTER DELETE ON profile_objects BEGIN
  UPDATE domain_stats SET object_count = object_count - 1, total_size = total_size - length(OLD.object)
  WHERE domain_name = OLD.domain_name;
END;
CREATE TRIGGER profile_objects_au AFTER UPDATE OF object ON profile_objects BEGIN
  UPDATE domain_stats SET total_size = total_size - length(OLD.object) + length(NEW.object)
  WHERE domain_name = NEW.domain_name;
END;

CREATE TABLE history (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  domain_name TEXT NOT NULL REFERENCES domains(domain_name) ON DELETE CASCADE,
  profile_id TEXT NOT NULL,
  id TEXT NOT NULL,
  object_type_name TEXT NOT NULL,
  action_type TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_updated_at INTEGER,
  performed_by TEXT,
  unique_key TEXT,
  content TEXT NOT NULL
);
CREATE UNIQUE INDEX history_by_id ON history (domain_name, profile_id, id);
CREATE INDEX history_by_profile ON history (domain_name, profile_id, seq);

CREATE TABLE jobs (
  domain_name TEXT NOT NULL REFERENCES domains(domain_name) ON DELETE CASCADE,
  job_id TEXT NOT NULL,
  status TEXT NOT NULL,
  message TEXT,
  job_start_time INTEGER NOT NULL,
  job_end_time INTEGER,
  last_updated_at INTEGER NOT NULL,
  job_expiration_time INTEGER,
  auto_merging TEXT,                  -- JSON AutoMerging
  exporting_location TEXT,            -- JSON ExportingLocation
  job_stats TEXT,                     -- JSON JobStats
  PRIMARY KEY (domain_name, job_id)
) WITHOUT ROWID;
CREATE INDEX jobs_by_start ON jobs (domain_name, job_start_time DESC, job_id DESC);
CREATE INDEX jobs_by_status ON jobs (status);
`,
};
