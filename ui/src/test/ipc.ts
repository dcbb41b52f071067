// A recording fake of the Rust side for component tests: each command answers from a
// handler, and every call is kept so a test can assert what the UI sent.
import { mockIPC } from '@tauri-apps/api/mocks';
import type {
  AxisSummary,
  Contact,
  ContactPage,
  DesktopRequest,
  ErrorPayload,
  Facets,
  NumberedRequest,
  PeriodStats,
  Proportion,
  Review,
  ReviewWeek,
  Settings,
  TeamStatus,
} from '../lib/ipc';

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
    staff_id: '0193a5c27f0070008000000000000abc',
    channel: 'phone',
    functional: 4,
    emotional: 5,
    topic: null,
    customer_ref: null,
    note: null,
    follow_up: false,
    follow_up_done_at: null,
    follow_up_done_by: null,
    reason: null,
    level: null,
    nps: null,
    valued: null,
    due: null,
    star: false,
    ...over,
  };
}

export function settings(over: Partial<Settings> = {}): Settings {
  return {
    display_name: 'Anna',
    display_name_chosen: true,
    member_id: '0193a5c27f0070008000000000000abc',
    language: null,
    target_functional: null,
    target_emotional: null,
    retention_months: null,
    retention_whole_contacts: false,
    backups_keep: 14,
    pseudonymise_customers: false,
    valued_every: null,
    log_shortcut: 'Ctrl+Alt+L',
    close_to_tray: true,
    close_to_tray_told: false,
    ...over,
  };
}

/** The shell's queue of desktop requests, fed by a test: `handler` answers
 *  next_desktop_request as the shell does (the first request numbered after `after`, waiting
 *  until there is one), `send` queues the next request. */
export function desktopRequests(): {
  handler: (args: Record<string, unknown>) => Promise<NumberedRequest>;
  send: (request: DesktopRequest) => void;
} {
  const sent: NumberedRequest[] = [];
  const waiting: { after: number; resolve: (r: NumberedRequest) => void }[] = [];
  return {
    handler: (args) =>
      new Promise((resolve) => {
        const after = Number(args.after);
        const next = sent.find((r) => r.seq > after);
        if (next) resolve(next);
        else waiting.push({ after, resolve });
      }),
    send(request) {
      const numbered = { seq: sent.length + 1, request };
      sent.push(numbered);
      for (const w of waiting.splice(0)) {
        if (numbered.seq > w.after) w.resolve(numbered);
        else waiting.push(w);
      }
    },
  };
}

export function reviewWeek(weekLabel: string, start: string, over: Partial<ReviewWeek> = {}): ReviewWeek {
  return {
    week: weekLabel,
    week_start: start,
    n: 0,
    functional_positive: 0,
    functional_share: null,
    functional_ci_low: null,
    functional_ci_high: null,
    functional_mean: null,
    functional_low: 0,
    functional_low_share: null,
    functional_low_ci_low: null,
    functional_low_ci_high: null,
    functional_top: 0,
    functional_top_share: null,
    emotional_positive: 0,
    emotional_share: null,
    emotional_ci_low: null,
    emotional_ci_high: null,
    emotional_mean: null,
    emotional_low: 0,
    emotional_low_share: null,
    emotional_low_ci_low: null,
    emotional_low_ci_high: null,
    emotional_top: 0,
    emotional_top_share: null,
    nps_n: 0,
    nps_promoters: 0,
    nps_detractors: 0,
    nps: null,
    nps_ci_low: null,
    nps_ci_high: null,
    level_n: 0,
    level_counts: [0, 0, 0, 0, 0],
    functional_ratings: [0, 0, 0, 0, 0],
    emotional_ratings: [0, 0, 0, 0, 0],
    quadrants: { solved_welcome: 0, solved_not_welcome: 0, welcome_not_solved: 0, neither: 0 },
    ...over,
  };
}

const none = (): Proportion => ({ count: 0, share: null, ci_low: null, ci_high: null });

export function axis(over: Partial<AxisSummary> = {}): AxisSummary {
  return { positive: 0, share: null, ci_low: null, ci_high: null, low: none(), top: none(), ratings: [0, 0, 0, 0, 0], ...over };
}

export function period(from: string, to: string, over: Partial<PeriodStats> = {}): PeriodStats {
  return {
    from,
    to,
    n: 0,
    functional: axis(),
    emotional: axis(),
    quadrants: { solved_welcome: 0, solved_not_welcome: 0, welcome_not_solved: 0, neither: 0 },
    ...over,
  };
}

export function reviewOf(weeks: ReviewWeek[], over: Partial<Review> = {}): Review {
  return {
    min_n: 5,
    weeks,
    current: period(weeks[0]!.week_start, '2026-11-22'),
    previous: period('2026-08-31', '2026-09-06'),
    change: { functional: null, emotional: null },
    ...over,
  };
}

export function facets(over: Partial<Facets> = {}): Facets {
  return { staff: ['Anna', 'Bram'], topics: ['factuur'], first_day: '2026-01-05', ...over };
}

export function page(contacts: Contact[], total = contacts.length): ContactPage {
  return { total, contacts };
}

export function teamStatus(over: Partial<TeamStatus> = {}): TeamStatus {
  return {
    server: 'https://team.example:8443',
    team_name: 'Service desk',
    member_name: 'Anna',
    role: 'staff',
    waiting: 0,
    last_synced_at: '2026-12-02T09:42:00Z',
    last_error: null,
    last_error_code: null,
    pulled_here: 0,
    ...over,
  };
}
