import { describe, expect, it } from 'vitest';
import { nextOccurrence, quotaAllowsAt, WEEK_MS } from '../../src/jobs/schedule.js';

const t = (s: string) => Date.parse(s);

describe('schedule math', () => {
  it('defaults to Saturday 00:00 UTC', () => {
    expect(new Date(nextOccurrence(undefined, t('2026-11-18T10:00:00Z'))).toISOString()).toBe('2026-11-21T00:00:00.000Z');
    // exactly on the occurrence → that instant; just after → next week
    expect(nextOccurrence(undefined, t('2026-11-21T00:00:00Z'))).toBe(t('2026-11-21T00:00:00Z'));
    expect(nextOccurrence(undefined, t('2026-11-21T00:00:01Z'))).toBe(t('2026-11-28T00:00:00Z'));
  });
  it('follows a custom day and time, including single-digit hours', () => {
    const s = { DayOfTheWeek: 'TUESDAY' as const, Time: '9:30' };
    expect(new Date(nextOccurrence(s, t('2026-11-22T12:00:00Z'))).toISOString()).toBe('2026-11-24T09:30:00.000Z');
    expect(new Date(nextOccurrence(s, t('2026-11-24T09:31:00Z'))).toISOString()).toBe('2026-12-01T09:30:00.000Z');
  });
  it('allows 3 jobs in a rolling week', () => {
    const now = t('2026-11-22T00:00:00Z');
    expect(quotaAllowsAt([now - 1000, now - 2000], now, 3)).toBe(now);
    const runs = [now - 3 * 86_400_000, now - 2000, now - 1000];
    expect(quotaAllowsAt(runs, now, 3)).toBe(now - 3 * 86_400_000 + WEEK_MS);
    expect(quotaAllowsAt([now - WEEK_MS - 1, ...runs.slice(1)], now, 3)).toBe(now);
  });
});
