//! The TypeScript types the web view uses are generated from the Rust types. This test fails
//! when the committed file is stale; `UPDATE_BINDINGS=1 cargo test` rewrites it.

use contactmoment_core::{
    backup::{BackupFile, StartupProblem},
    stats::{AxisSummary, Quadrants, ReviewWeek, StaffWeek},
    AppInfo, Axis, Channel, Contact, ContactInput, ContactPage, ContactsQuery, ErrorCode,
    ErrorPayload, Facets, FileProblem, Language, PeriodStats, Quadrant, Review, Settings,
    SettingsInput, StaffReview, StaffWeeks, ValidationKind, WeekStats, WeeklyQuery, WeeklyReport,
};
use ts_rs::TS;

fn generated() -> String {
    let decls = [
        Channel::decl(),
        Contact::decl(),
        ContactInput::decl(),
        Language::decl(),
        Settings::decl(),
        SettingsInput::decl(),
        AppInfo::decl(),
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
        Review::decl(),
        StaffWeek::decl(),
        StaffReview::decl(),
        ContactsQuery::decl(),
        ContactPage::decl(),
        Facets::decl(),
        ErrorCode::decl(),
        ValidationKind::decl(),
        ErrorPayload::decl(),
        FileProblem::decl(),
        BackupFile::decl(),
        StartupProblem::decl(),
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

#[test]
fn typescript_bindings_are_up_to_date() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/ipc/bindings.ts");
    let want = generated();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "ui/src/lib/ipc/bindings.ts is stale; run `UPDATE_BINDINGS=1 cargo test --workspace` and commit it"
    );
}
