// Generated from the Rust types in core/ by `UPDATE_BINDINGS=1 cargo test -p contactmoment-core`.
// Do not edit: a test fails when this file differs from what the Rust types produce.

export type Channel = "phone" | "email" | "chat" | "counter" | "social" | "visit";

export type Reason = "not_answered" | "not_solved" | "wrong" | "too_slow" | "other";

export type Contact = { id: string, 
/**
 * When the contact took place, with the UTC offset of the staff member's clock.
 */
occurred_at: string, 
/**
 * The date the staff member saw on that clock; weeks are counted from it.
 */
local_date: string, 
/**
 * ISO 8601 week of `local_date`, labelled with its week-year, e.g. `2026-W01`.
 */
iso_week: string, logged_at: string, updated_at: string, 
/**
 * The name shown for the staff member who logged it.
 */
staff: string, 
/**
 * The member id of the person who logged it, when that was the journal's own user: it
 * stays when they change their display name. `null` for imported contacts and for those
 * logged in someone else's name.
 */
staff_id: string | null, channel: Channel, 
/**
 * Was it solved? 1–5.
 */
functional: number, 
/**
 * Did the customer feel welcome? 1–5.
 */
emotional: number, topic: string | null, customer_ref: string | null, note: string | null, follow_up: boolean, 
/**
 * When a follow-up (flagged, or an emotional rating of 2 or lower) was marked done.
 */
follow_up_done_at: string | null, 
/**
 * Who marked it done.
 */
follow_up_done_by: string | null, 
/**
 * What went wrong, only on a contact rated 1–2 on solved.
 */
reason: Reason | null, 
/**
 * The service level of the Human2Human thermometer, 1–5.
 */
level: number | null, 
/**
 * The customer's own answer to "how likely are you to recommend us", 0–10; `null` when
 * the customer was not asked.
 */
nps: number | null, 
/**
 * Did the customer feel valued? 1–5, asked on a random sample of contacts.
 */
valued: number | null, 
/**
 * The day a follow-up is promised by; set whenever the contact needs one.
 */
due: string | null, 
/**
 * Marked to bring to the team meeting.
 */
star: boolean, };

export type ContactInput = { 
/**
 * A client-chosen id (UUID) makes a retried save idempotent; left empty, one is made.
 */
id: string | null, 
/**
 * RFC 3339, or a local `YYYY-MM-DDTHH:MM[:SS]` read on the user's clock; empty means now.
 */
occurred_at: string | null, 
/**
 * Left empty, the display name from the settings is used.
 */
staff: string | null, 
/**
 * Left empty, `phone`.
 */
channel: string | null, functional: number | null, emotional: number | null, topic: string | null, customer_ref: string | null, note: string | null, follow_up: boolean, 
/**
 * One of `not_answered`, `not_solved`, `wrong`, `too_slow`, `other`; only with a
 * functional rating of 1 or 2.
 */
reason: string | null, 
/**
 * Service level 1–5.
 */
level: number | null, 
/**
 * The customer's own score 0–10; empty when not asked.
 */
nps: number | null, 
/**
 * Did the customer feel valued? 1–5.
 */
valued: number | null, 
/**
 * `YYYY-MM-DD`: the day a follow-up is promised by. Empty: the next working day after
 * the contact, when it needs a follow-up. A date makes it a follow-up.
 */
due: string | null, star: boolean, };

export type Language = "nl" | "en";

export type Settings = { 
/**
 * The name logged as `staff` on each new contact.
 */
display_name: string, 
/**
 * Whether the user has chosen the display name (until then it is the system account's,
 * and the app asks once).
 */
display_name_chosen: boolean, 
/**
 * The stable identity of the person using this journal; contacts they log carry it.
 */
member_id: string, 
/**
 * `null` follows the system locale.
 */
language: Language | null, 
/**
 * The team's own target for the share of contacts solved (rated 4–5), in percent.
 */
target_functional: number | null, 
/**
 * The team's own target for the share of customers who felt welcome, in percent.
 */
target_emotional: number | null, 
/**
 * Notes (or, with `retention_whole_contacts`, whole contacts) older than this many
 * months are erased; `null` keeps everything.
 */
retention_months: number | null, retention_whole_contacts: boolean, 
/**
 * How many daily backups the app keeps.
 */
backups_keep: number, 
/**
 * Customer references are stored as keyed hashes (the key stays on this computer).
 */
pseudonymise_customers: boolean, 
/**
 * "Did the customer feel valued?" is asked on 1 in this many contacts, at random;
 * `null` never asks.
 */
valued_every: number | null, 
/**
 * The system-wide key that brings the log form to the front, as `Ctrl+Alt+L`; empty for
 * none. It belongs to this desk, not to the team.
 */
log_shortcut: string, 
/**
 * Closing the window keeps the app running in the tray, so the shortcut still works.
 */
close_to_tray: boolean, 
/**
 * Whether the user was told, on their first close, that the app stays in the tray.
 */
close_to_tray_told: boolean, };

export type EarlierName = { name: string, 
/**
 * How many live contacts still carry it.
 */
contacts: number, };

export type SettingsInput = { display_name: string, language: string | null, 
/**
 * Percent, 1–100; empty for no target.
 */
target_functional: number | null, target_emotional: number | null, 
/**
 * Months, 1–1200; empty keeps everything.
 */
retention_months: number | null, retention_whole_contacts: boolean, 
/**
 * 1–365; empty for the default (14).
 */
backups_keep: number | null, pseudonymise_customers: boolean, 
/**
 * 1–1000; empty never asks.
 */
valued_every: number | null, 
/**
 * Modifiers and a key joined by `+` (`Ctrl+Alt+L`); empty for none.
 */
log_shortcut: string, close_to_tray: boolean, };

export type AppInfo = { version: string, 
/**
 * The journal file or URL in use.
 */
journal: string, 
/**
 * Whether the desktop lets an app take a system-wide shortcut (X11 does; Wayland does
 * not, and the user binds `contactmoment-app --log` in their desktop's settings instead).
 */
global_shortcuts: boolean, 
/**
 * Whether the shortcut of the settings was taken by another program when the app started.
 */
shortcut_taken: boolean, };

export type ShownScreen = "log" | "review";

export type DesktopRequest = { "kind": "show", screen: ShownScreen, } | { "kind": "damaged" } | { "kind": "close_asked" };

export type NumberedRequest = { seq: number, request: DesktopRequest, };

export type WeeklyQuery = { from: string | null, to: string | null, staff: Array<string>, channel: Channel | null, topic: string | null, };

export type WeekStats = { week: string, week_start: string, n: number, functional_positive: number, functional_share: number | null, functional_ci_low: number | null, functional_ci_high: number | null, functional_mean: number | null, 
/**
 * Rated 1–2, with the share's interval.
 */
functional_low: number, functional_low_share: number | null, functional_low_ci_low: number | null, functional_low_ci_high: number | null, 
/**
 * Rated 5.
 */
functional_top: number, functional_top_share: number | null, emotional_positive: number, emotional_share: number | null, emotional_ci_low: number | null, emotional_ci_high: number | null, emotional_mean: number | null, emotional_low: number, emotional_low_share: number | null, emotional_low_ci_low: number | null, emotional_low_ci_high: number | null, emotional_top: number, emotional_top_share: number | null, 
/**
 * Contacts with the customer's own score (0–10), and the NPS in points (−100…100) with
 * its adjusted-Wald interval; a week rarely holds enough answers for it to mean much.
 */
nps_n: number, nps_promoters: number, nps_detractors: number, nps: number | null, nps_ci_low: number | null, nps_ci_high: number | null, 
/**
 * Contacts with a service level, and how many were at level 1, 2, 3, 4 and 5.
 */
level_n: number, level_counts: [number, number, number, number, number], };

export type WeeklyReport = { 
/**
 * The Monday of the first week.
 */
from: string, 
/**
 * The Sunday of the last week.
 */
to: string, 
/**
 * Below this n a share is "not enough data".
 */
min_n: number, weeks: Array<WeekStats>, };

export type StaffWeeks = { staff: string, report: WeeklyReport, };

export type Axis = "functional" | "emotional";

export type Quadrant = "solved_welcome" | "solved_not_welcome" | "welcome_not_solved" | "neither";

export type Quadrants = { solved_welcome: number, solved_not_welcome: number, welcome_not_solved: number, neither: number, };

export type AxisSummary = { positive: number, share: number | null, ci_low: number | null, ci_high: number | null, 
/**
 * Rated 1 or 2, the anchors "not at all" and "hardly" (on welcome: what the national
 * survey reports as "not or hardly welcome").
 */
low: Proportion, 
/**
 * Rated 5, where the source says ambassadors are made.
 */
top: Proportion, ratings: [number, number, number, number, number], };

export type PeriodStats = { 
/**
 * The Monday of the first week.
 */
from: string, 
/**
 * The Sunday of the last week.
 */
to: string, n: number, functional: AxisSummary, emotional: AxisSummary, quadrants: Quadrants, };

export type ReviewWeek = { functional_ratings: [number, number, number, number, number], emotional_ratings: [number, number, number, number, number], quadrants: Quadrants, week: string, week_start: string, n: number, functional_positive: number, functional_share: number | null, functional_ci_low: number | null, functional_ci_high: number | null, functional_mean: number | null, 
/**
 * Rated 1–2, with the share's interval.
 */
functional_low: number, functional_low_share: number | null, functional_low_ci_low: number | null, functional_low_ci_high: number | null, 
/**
 * Rated 5.
 */
functional_top: number, functional_top_share: number | null, emotional_positive: number, emotional_share: number | null, emotional_ci_low: number | null, emotional_ci_high: number | null, emotional_mean: number | null, emotional_low: number, emotional_low_share: number | null, emotional_low_ci_low: number | null, emotional_low_ci_high: number | null, emotional_top: number, emotional_top_share: number | null, 
/**
 * Contacts with the customer's own score (0–10), and the NPS in points (−100…100) with
 * its adjusted-Wald interval; a week rarely holds enough answers for it to mean much.
 */
nps_n: number, nps_promoters: number, nps_detractors: number, nps: number | null, nps_ci_low: number | null, nps_ci_high: number | null, 
/**
 * Contacts with a service level, and how many were at level 1, 2, 3, 4 and 5.
 */
level_n: number, level_counts: [number, number, number, number, number], };

export type Proportion = { count: number, share: number | null, ci_low: number | null, ci_high: number | null, };

export type Change = { 
/**
 * Now minus before.
 */
difference: number, ci_low: number, ci_high: number, 
/**
 * The interval excludes 0: more than chance would give.
 */
real: boolean, };

export type Changes = { functional: Change | null, emotional: Change | null, };

export type Review = { min_n: number, weeks: Array<ReviewWeek>, current: PeriodStats, previous: PeriodStats, change: Changes, };

export type StaffWeek = { n: number, functional_share: number | null, emotional_share: number | null, };

export type StaffReview = { staff: string, weeks: Array<StaffWeek>, current: PeriodStats, previous: PeriodStats, change: Changes, };

export type Group = { "kind": "all" } | { "kind": "channel", "name": Channel } | { "kind": "topic", "name": string } | { "kind": "staff", "name": string };

export type Move = { group: Group, axis: Axis, before: Proportion, n_before: number, now: Proportion, n_now: number, change: Change, };

export type WhatChanged = { 
/**
 * How many shares could be compared (each axis of each group with enough contacts in
 * both periods; a group with the same contacts as one before it counts once). At 95%,
 * about one in twenty of them moves beyond its interval by chance alone, which the
 * screen says when it names moves.
 */
compared: number, 
/**
 * The moves whose 95% interval excludes 0, the whole selection's first, then the
 * largest; at most [`MOVES_SHOWN`].
 */
moves: Array<Move>, };

export type Nps = { n: number, promoters: number, detractors: number, score: number | null, ci_low: number | null, ci_high: number | null, };

export type LevelMix = { n: number, levels: [Proportion, Proportion, Proportion, Proportion, Proportion], };

export type Views = { 
/**
 * Customers who scored 0–6.
 */
detractors: number, 
/**
 * Of them, rated welcome (4–5) by the staff member.
 */
detractors_welcome: Proportion, 
/**
 * Customers who scored 9–10.
 */
promoters: number, 
/**
 * Of them, not rated welcome (1–3) by the staff member.
 */
promoters_not_welcome: Proportion, };

export type Dissatisfier = { 
/**
 * `null`: contacts without a topic (in the per-topic list) or every topic (per reason).
 */
topic: string | null, 
/**
 * `null`: no reason given.
 */
reason: Reason | null, 
/**
 * Contacts of the topic this period, the denominator of `share`.
 */
n: number, share: Proportion, previous_n: number, previous: Proportion, change: Change | null, };

export type Promises = { 
/**
 * Due days that have passed: kept, late, or still open.
 */
due: number, 
/**
 * Done by the due day, out of `due`.
 */
kept: Proportion, late: number, overdue: number, 
/**
 * Open, and not due yet.
 */
pending: number, };

export type Share = { n: number, count: number, share: number | null, ci_low: number | null, ci_high: number | null, };

export type Practices = { from: string, to: string, previous_from: string, nps_min_n: number, nps: Nps, previous_nps: Nps, views: Views, levels: LevelMix, previous_levels: LevelMix, 
/**
 * [`EFFORT_MIX`], for the reference bar.
 */
effort_mix: [number, number, number, number, number], 
/**
 * Distinct customers in the 52 weeks up to `to` who had a contact at level 5.
 */
level5_customers: Share, 
/**
 * Rated 4–5 on "valued", out of the contacts asked.
 */
valued: Share, 
/**
 * Rated 1–2 on "valued".
 */
not_valued: Share, previous_valued: Share, 
/**
 * Per topic and reason, ranked by count.
 */
dissatisfiers: Array<Dissatisfier>, 
/**
 * Per reason over all topics, ranked by count.
 */
reasons: Array<Dissatisfier>, 
/**
 * Contacts with a customer reference that repeat one not solved within `repeat_days`.
 */
repeat: Share, previous_repeat: Share, repeat_change: Change | null, repeat_days: number, promises: Promises, };

export type MomentContact = { id: string, staff: string, local_date: string, channel: Channel, topic: string | null, functional: number, emotional: number, level: number | null, star: boolean, note: string | null, };

export type Moments = { staff: string, 
/**
 * Rated 5 on both axes.
 */
top_both: number, 
/**
 * At service level 5.
 */
level5: number, 
/**
 * Marked for the team meeting: every one is listed.
 */
starred: number, 
/**
 * The marked contacts, then the newest others up to [`MOMENTS_LISTED`].
 */
contacts: Array<MomentContact>, };

export type WeekNote = { 
/**
 * `2026-W12`.
 */
week: string, note: string, };

export type ContactsQuery = { filter: WeeklyQuery, 
/**
 * One ISO week, e.g. `2026-W47`.
 */
week: string | null, quadrant: Quadrant | null, 
/**
 * With `rating`: only contacts given that rating on this axis.
 */
axis: Axis | null, rating: number | null, 
/**
 * Only follow-ups not yet done: flagged, or rated 2 or lower on the emotional axis.
 */
open_follow_ups: boolean, 
/**
 * At most [`PAGE_MAX`]; default 100.
 */
limit: number | null, offset: number, };

export type ContactPage = { total: number, contacts: Array<Contact>, };

export type ExportProgress = { done: number, total: number, };

export type CustomerHistory = { 
/**
 * Earlier contacts with this customer (not deleted).
 */
contacts: number, 
/**
 * When the latest of them took place.
 */
last_at: string, 
/**
 * Whole calendar days from the latest to today (0: today).
 */
last_days_ago: number, 
/**
 * Rated 4–5 on solved.
 */
solved: number, 
/**
 * Rated 4–5 on welcome.
 */
welcome: number, 
/**
 * Follow-ups not yet done (flagged, or rated 1–2 on welcome).
 */
open_follow_ups: number, 
/**
 * The latest was not solved and lies within [`REPEAT_DAYS`]: a contact now repeats it.
 */
repeat: boolean, };

export type Facets = { staff: Array<string>, topics: Array<string>, 
/**
 * The local date of the oldest contact, for the range "all"; `null` in an empty journal.
 */
first_day: string | null, };

export type ErrorCode = "validation" | "not_found" | "conflict" | "storage" | "unreachable" | "not_allowed" | "internal";

export type ValidationKind = "required" | "out_of_range" | "too_long" | "control_characters" | "unknown_channel" | "unparseable" | "in_future" | "taken";

export type ErrorPayload = { code: ErrorCode, message: string, 
/**
 * The input field at fault, for validation errors.
 */
field: string | null, kind: ValidationKind | null, };

export type FileProblem = "missing" | "damaged" | "not_journal" | "newer";

export type BackupFile = { path: string, name: string, bytes: number, };

export type StartupProblem = { problem: FileProblem, 
/**
 * The journal file.
 */
journal: string, 
/**
 * What is wrong, in English, for the details.
 */
detail: string, 
/**
 * Newest first.
 */
backups: Array<BackupFile>, };

export type TeamStatus = { server: string, team_name: string, member_name: string, role: string, 
/**
 * Contacts waiting to be pushed.
 */
waiting: number, last_synced_at: string | null, 
/**
 * Why the last attempt failed, when it did (in English, for the details).
 */
last_error: string | null, 
/**
 * What kind of failure it was: the server could not be reached, or refused this desk.
 */
last_error_code: ErrorCode | null, 
/**
 * Changes pulled since the app started: screens showing contacts reload when it moves.
 */
pulled_here: number, };

export type SyncReport = { 
/**
 * Changes the server took as the contact's current version.
 */
pushed: number, 
/**
 * Changes the server had already, or had a newer version of.
 */
skipped: number, 
/**
 * Changes from the server applied here.
 */
pulled: number, 
/**
 * Contacts still waiting to be pushed.
 */
waiting: number, };

export type Role = "staff" | "lead";

export type NewMemberReply = { member_id: string, 
/**
 * A one-time code for the member's first desktop.
 */
join_code: string, };
