// A recording fake of the Rust side for component tests: each command answers from a
// handler, and every call is kept so a test can assert what the UI sent.
import { mockIPC } from '@tauri-apps/api/mocks';
import type { Contact, ErrorPayload, WeeklyReport, WeekStats } from '../lib/ipc';

export type Handlers = Record<string, (args: Record<string, unknown>) => unknown>;

export function fakeBackend(handlers: Handlers): { calls: { cmd: string; args: Record<string, unknown> }[] } {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    const handler = handlers[cmd];
    if (!handler) throw { code: 'internal', message: `unexpected command ${cmd}`, field: null, kind: null };
    return handler(a);
  });
  return { calls };
}

export function refusal(field: string, kind: ErrorPayload['kind'], message = 'refused'): ErrorPayload {
  return { code: 'validation', message, field, kind };
}

let seq = 0;
export function contact(over: Partial<Contact> = {}): Contact {
  seq += 1;
  return {
    id: `0193a5c2-7f00-7000-8000-${String(seq).padStart(12, '0')}`,
    occurred_at: '2026-11-18T15:30:00+01:00',
    local_date: '2026-11-18',
    iso_week: '2026-W47',
    logged_at: '2026-11-18T14:30:05.000Z',
    updated_at: '2026-11-18T14:30:05.000Z',
    staff: 'Anna',
    channel: 'phone',
    functional: 4,
    emotional: 5,
    topic: null,
    customer_ref: null,
    note: null,
    follow_up: false,
    ...over,
  };
}

export function week(weekLabel: string, start: string, over: Partial<WeekStats> = {}): WeekStats {
  return {
    week: weekLabel,
    week_start: start,
    n: 0,
    functional_positive: 0,
    functional_share: null,
    functional_ci_low: null,
    functional_ci_high: null,
    functional_mean: null,
    emotional_positive: 0,
    emotional_share: null,
    emotional_ci_low: null,
    emotional_ci_high: null,
    emotional_mean: null,
    ...over,
  };
}

export function report(weeks: WeekStats[]): WeeklyReport {
  return { from: weeks[0]!.week_start, to: '2026-11-22', min_n: 5, weeks };
}
