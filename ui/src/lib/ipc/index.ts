// The one door to the Rust side. Every command the web view may call is listed here, with
// argument and result types generated from the Rust types (see bindings.ts). Failures
// arrive as IpcError carrying the core's {code, message, field, kind}.
import { Channel, invoke, type InvokeArgs } from '@tauri-apps/api/core';
import type {
  AppInfo,
  Contact,
  ContactInput,
  ContactPage,
  ContactsQuery,
  EarlierName,
  ErrorPayload,
  ExportProgress,
  Facets,
  Language,
  Review,
  Settings,
  SettingsInput,
  StaffReview,
  StartupProblem,
  NewMemberReply,
  Role,
  SyncReport,
  TeamStatus,
  WeeklyQuery,
  WhatChanged,
  CustomerHistory,
  Practices,
  Moments,
  WeekNote,
  NumberedRequest,
} from './bindings';

export type * from './bindings';

export class IpcError extends Error {
  readonly payload: ErrorPayload;

  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.name = 'IpcError';
    this.payload = payload;
  }
}

function isPayload(e: unknown): e is ErrorPayload {
  return typeof e === 'object' && e !== null && 'code' in e && 'message' in e;
}

async function call<T>(cmd: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    if (isPayload(e)) throw new IpcError(e);
    // Argument deserialisation failures come back as plain strings from Tauri itself.
    throw new IpcError({ code: 'internal', message: String(e), field: null, kind: null });
  }
}

export const api = {
  appInfo: () => call<AppInfo>('app_info'),
  logContact: (input: ContactInput) => call<Contact>('log_contact', { input }),
  updateContact: (id: string, input: ContactInput) =>
    call<Contact>('update_contact', { id, input }),
  deleteContact: (id: string) => call<null>('delete_contact', { id }),
  restoreContact: (id: string) => call<Contact>('restore_contact', { id }),
  recentContacts: (limit: number) => call<Contact[]>('recent_contacts', { limit }),
  review: (query: WeeklyQuery) => call<Review>('review', { query }),
  reviewByStaff: (query: WeeklyQuery) => call<StaffReview[]>('review_by_staff', { query }),
  whatChanged: (query: WeeklyQuery) => call<WhatChanged>('what_changed', { query }),
  customerHistory: (customerRef: string) => call<CustomerHistory | null>('customer_history', { customerRef }),
  reviewContacts: (query: ContactsQuery) => call<ContactPage>('review_contacts', { query }),
  reviewFacets: () => call<Facets>('review_facets'),
  setFollowUpDone: (id: string, done: boolean) => call<Contact>('set_follow_up_done', { id, done }),
  practices: (query: WeeklyQuery) => call<Practices>('practices', { query }),
  moments: (query: WeeklyQuery) => call<Moments[]>('moments', { query }),
  weekNotes: (query: WeeklyQuery) => call<WeekNote[]>('week_notes', { query }),
  /** An empty note removes the week's note; resolves to the note kept, or null. */
  setWeekNote: (week: string, note: string) => call<WeekNote | null>('set_week_note', { week, note }),
  /** Marks any contact to bring to the team meeting, or unmarks it. */
  setStar: (id: string, star: boolean) => call<Contact>('set_star', { id, star }),
  /** Whether this new contact asks "did the customer feel valued?" (a random 1 in k). */
  askValued: () => call<boolean>('ask_valued'),
  /** Each export asks where to save in a native dialog; resolves to the path, or null if
   * cancelled. The contacts go out a page at a time, and `onProgress` hears how far. */
  exportContactsCsv: (query: WeeklyQuery, fileName: string, semicolons: boolean, onProgress: (p: ExportProgress) => void) => {
    const progress = new Channel<ExportProgress>();
    progress.onmessage = onProgress;
    return call<string | null>('export_contacts_csv', { query, fileName, semicolons, progress });
  },
  /** Stops the contacts export under way; it then resolves to null and leaves no file. */
  stopExport: () => call<null>('stop_export'),
  /** In the language's spreadsheet conventions: Dutch gets semicolons and decimal commas. */
  exportWeeklyCsv: (query: WeeklyQuery, fileName: string, language: Language) =>
    call<string | null>('export_weekly_csv', { query, fileName, language }),
  exportPng: (png: Uint8Array, fileName: string) =>
    call<string | null>('export_png', { png: Array.from(png), fileName }),
  /** The review as the page prints it, as a PDF where the user chooses (path, or null). */
  saveReportPdf: (fileName: string) => call<string | null>('save_report_pdf', { fileName }),
  /** The system's print dialog for the review; false when cancelled. */
  printReport: () => call<boolean>('print_report'),
  /** Fills an empty journal with demo contacts; resolves to how many were added. */
  loadDemo: () => call<number>('load_demo'),
  getSettings: () => call<Settings>('get_settings'),
  /** Why the journal could not be opened at start, or null when it is open. */
  startupProblem: () => call<StartupProblem | null>('startup_problem'),
  recoverFromBackup: (path: string) => call<null>('recover_from_backup', { path }),
  startNewJournal: () => call<null>('start_new_journal'),
  /** Resolves to the journal opened, or null when the dialog was cancelled. */
  openOtherJournal: () => call<string | null>('open_other_journal'),
  saveSettings: (input: SettingsInput) => call<Settings>('save_settings', { input }),
  /** Other names the user's own contacts carry after a rename. */
  earlierNames: () => call<EarlierName[]>('earlier_names'),
  /** Puts all of the user's contacts under the current name; resolves to how many moved. */
  carryOverContacts: () => call<number>('carry_over_contacts'),
  /** Where this desk stands in its team, or null outside one. */
  teamStatus: () => call<TeamStatus | null>('team_status'),
  /** Joins with a one-time code; the first sync has run when this resolves. */
  joinTeam: (code: string) => call<TeamStatus>('join_team', { code }),
  /** Resolves to how many unsent changes were dropped. */
  leaveTeam: () => call<number>('leave_team'),
  syncNow: () => call<SyncReport>('sync_now'),
  addTeamMember: (name: string, role: Role) => call<NewMemberReply>('add_team_member', { name, role }),
  /** The shell's next request after `after` (a screen to show, a damaged journal, a first
   *  close); waits until there is one. */
  nextDesktopRequest: (after: number) => call<NumberedRequest>('next_desktop_request', { after }),
  /** The answer to the first close: keep running in the tray, or quit. */
  closeWindow: (keepInTray: boolean) => call<null>('close_window', { keepInTray }),
};

/** What the shell hands the page before its script runs, so that the first screen needs no
 * round trip (`FirstScreen` in the shell). A shell that hands nothing (a test's) leaves null. */
export type FirstScreen = { problem: StartupProblem | null; settings: Settings | null };

export function firstScreen(): FirstScreen | null {
  return (window as { __CONTACTMOMENT_FIRST_SCREEN__?: FirstScreen }).__CONTACTMOMENT_FIRST_SCREEN__ ?? null;
}

/** An empty contact form: every optional field empty, no ratings yet. */
export function emptyInput(): ContactInput {
  return {
    id: null,
    occurred_at: null,
    staff: null,
    channel: null,
    functional: null,
    emotional: null,
    topic: null,
    customer_ref: null,
    note: null,
    follow_up: false,
    reason: null,
    level: null,
    nps: null,
    valued: null,
    due: null,
    star: false,
  };
}
