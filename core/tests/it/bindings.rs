//! The TypeScript types the web view uses are generated from the Rust types. This test fails
//! when the committed file is stale; `UPDATE_BINDINGS=1 cargo test` rewrites it (never under
//! CI, where a stale file must fail).

use contactmoment_core::{
    backup::{BackupFile, StartupProblem},
    model::Reason,
    practices::{Dissatisfier, LevelMix, MomentContact, Moments, Nps, Promises, Share, Views},
    stats::{AxisSummary, Quadrants, ReviewWeek, StaffWeek},
    team::sync::{SyncReport, TeamStatus},
    team::wire::{NewMemberReply, Role},
    AppInfo, Axis, Change, Changes, Channel, Contact, ContactInput, ContactPage, ContactsQuery,
    CustomerHistory, DesktopRequest, EarlierName, ErrorCode, ErrorPayload, ExportProgress, Facets,
    FileProblem, Group, Language, Move, NumberedRequest, PeriodStats, Practices, Proportion,
    Quadrant, Review, Settings, SettingsInput, ShownScreen, StaffReview, StaffWeeks,
    ValidationKind, WeekNote, WeekStats, WeeklyQuery, WeeklyReport, WhatChanged,
};
use ts_rs::TS;

fn generated() -> String {
    let decls = [
        Channel::decl(),
        Reason::decl(),
        Contact::decl(),
        ContactInput::decl(),
        Language::decl(),
        Settings::decl(),
        EarlierName::decl(),
        SettingsInput::decl(),
        AppInfo::decl(),
        ShownScreen::decl(),
        DesktopRequest::decl(),
        NumberedRequest::decl(),
        WeeklyQuery::decl(),
        WeekStats::decl(),
        WeeklyReport::decl(),
        StaffWeeks::decl(),
        Axis::decl(),
        Quadrant::decl(),
        Quadrants::decl(),
        AxisSummary::decl(),
        PeriodStats::decl(),
        ReviewWeek::decl(),
        Proportion::decl(),
        Change::decl(),
        Changes::decl(),
        Review::decl(),
        StaffWeek::decl(),
        StaffReview::decl(),
        Group::decl(),
        Move::decl(),
        WhatChanged::decl(),
        Nps::decl(),
        LevelMix::decl(),
        Views::decl(),
        Dissatisfier::decl(),
        Promises::decl(),
        Share::decl(),
        Practices::decl(),
        MomentContact::decl(),
        Moments::decl(),
        WeekNote::decl(),
        ContactsQuery::decl(),
        ContactPage::decl(),
        ExportProgress::decl(),
        CustomerHistory::decl(),
        Facets::decl(),
        ErrorCode::decl(),
        ValidationKind::decl(),
        ErrorPayload::decl(),
        FileProblem::decl(),
        BackupFile::decl(),
        StartupProblem::decl(),
        TeamStatus::decl(),
        SyncReport::decl(),
        Role::decl(),
        NewMemberReply::decl(),
    ];
    let mut out = String::from(
        "// Generated from the Rust types in core/ by `UPDATE_BINDINGS=1 cargo test -p contactmoment-core`.\n\
         // Do not edit: a test fails when this file differs from what the Rust types produce.\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// Only an explicit `UPDATE_BINDINGS=1` outside CI rewrites the file; any other value (`0`,
/// empty, `true`) leaves it to the comparison, so a stray variable cannot hide a stale file.
fn rewrite_requested(update: Option<&str>, ci: Option<&str>) -> bool {
    let in_ci = ci.is_some_and(|v| !v.is_empty() && v != "0" && v != "false");
    update == Some("1") && !in_ci
}

#[test]
fn only_update_bindings_1_outside_ci_rewrites() {
    assert!(rewrite_requested(Some("1"), None));
    assert!(rewrite_requested(Some("1"), Some("false")));
    for update in [None, Some("0"), Some(""), Some("true"), Some("yes")] {
        assert!(!rewrite_requested(update, None), "{update:?}");
    }
    assert!(
        !rewrite_requested(Some("1"), Some("true")),
        "never under CI"
    );
    assert!(!rewrite_requested(Some("1"), Some("1")), "never under CI");
}

#[test]
fn typescript_bindings_are_up_to_date() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/ipc/bindings.ts");
    let want = generated();
    if rewrite_requested(
        std::env::var("UPDATE_BINDINGS").ok().as_deref(),
        std::env::var("CI").ok().as_deref(),
    ) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "ui/src/lib/ipc/bindings.ts is stale; run `UPDATE_BINDINGS=1 cargo test --workspace` and commit it"
    );
}
