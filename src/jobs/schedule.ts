/** Schedule arithmetic (pure; times are epoch ms, UTC). Rules in docs/jobs.md ("Schedule"). */
import type { JobSchedule } from '../api/generated/types.js';

export const DAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'] as const;
export const DEFAULT_SCHEDULE: JobSchedule = { DayOfTheWeek: 'SATURDAY', Time: '00:00' };
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

/** The first instant ≥ `from` that falls on the schedule's weekday and time (UTC). */
export function nextOccurrence(schedule: JobSchedule | undefined, from: number): number {
  const s = schedule ?? DEFAULT_SCHEDULE;
  const [hh, mm] = s.Time.split(':').map((x) => Number.parseInt(x, 10)) as [number, number];
  const day = DAYS.indexOf(s.DayOfTheWeek);
  const d = new Date(from);
  const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  let t = midnight + ((day - d.getUTCDay() + 7) % 7) * DAY_MS + (hh * 60 + mm) * 60_000;
  if (t < from) t += WEEK_MS;
  return t;
}

/**
 * Weekly quota: jobs that ran (left PENDING) with JobStartTime in the rolling window (now - 7 days, now].
 * Returns the earliest time a new job may start (≤ now when allowed now).
 */
export function quotaAllowsAt(startTimesOfRunJobs: number[], now: number, maxPerWeek: number): number {
  const recent = startTimesOfRunJobs.filter((t) => t > now - WEEK_MS && t <= now).sort((a, b) => a - b);
  if (recent.length < maxPerWeek) return now;
  // The window frees a slot when the oldest counted job leaves it.
  return recent[recent.length - maxPerWeek]! + WEEK_MS;
}
