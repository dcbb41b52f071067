//! Generates an allow/deny permission per app command, so the capability file can grant the
//! web view exactly these commands and nothing else.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(contactmoment_commands());
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        panic!("tauri build step failed: {e:#}");
    }
}

fn contactmoment_commands() -> &'static [&'static str] {
    &[
        "app_info",
        "log_contact",
        "update_contact",
        "delete_contact",
        "restore_contact",
        "recent_contacts",
        "load_demo",
        "get_settings",
        "save_settings",
        "earlier_names",
        "carry_over_contacts",
        "review",
        "review_by_staff",
        "what_changed",
        "customer_history",
        "review_contacts",
        "review_facets",
        "set_follow_up_done",
        "practices",
        "week_notes",
        "set_week_note",
        "set_star",
        "ask_valued",
        "moments",
        "export_contacts_csv",
        "stop_export",
        "export_weekly_csv",
        "export_png",
        "save_report_pdf",
        "print_report",
        "startup_problem",
        "recover_from_backup",
        "start_new_journal",
        "open_other_journal",
        "team_status",
        "join_team",
        "leave_team",
        "sync_now",
        "add_team_member",
        "next_desktop_request",
        "close_window",
    ]
}
