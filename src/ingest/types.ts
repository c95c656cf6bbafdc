/** Shapes shared by the ingestion readers, the mapping, the pipeline and the sinks. */
import type { ProfileData } from '../model/profile.js';

/** One source record: column (or JSONL key path) → raw string value, with the line it started on (1-based). */
export interface SourceRow {
  line: number;
  values: Record<string, string>;
}

/** A rejected record: the line it started on and why. */
export interface RowError {
  line: number;
  reason: string;
}

export type ReadItem = SourceRow | RowError;

export const isRowError = <T extends object>(item: T | RowError): item is RowError => 'reason' in item;

/** A row ready for the store: profile fields and, when the import has a unique key, its value. */
export interface ProfileRow {
  line: number;
  data: ProfileData;
  uniqueKey?: string;
  /** Object mode (--object-type): the row as a JSON object for the object type's own mapping (PutProfileObject). */
  object?: string;
}

/** Limits applied while reading (defaults in readers). */
export interface ReadLimits {
  /** Largest record in bytes (one physical line, or all lines of a multi-line quoted record). */
  maxRecordBytes: number;
  /** Most physical lines one quoted CSV record may span. */
  maxRecordLines: number;
}

export const DEFAULT_LIMITS: ReadLimits = { maxRecordBytes: 1 << 20, maxRecordLines: 100 };
