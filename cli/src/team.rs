//! `contactmoment team …` and `contactmoment sync`: the desk's membership and its sync, one
//! line per fact so that scripts can read them.

use std::io::Write;

use contactmoment_core::team::wire::Role;
use contactmoment_core::{Desk, Error};

use crate::args::TeamCommand;

pub async fn run(desk: &Desk, command: TeamCommand, out: &mut impl Write) -> Result<(), Error> {
    match command {
        TeamCommand::Join {
            code,
            insecure_http,
        } => {
            let (member, report) = desk.join_team(&code, insecure_http).await?;
            writeln!(
                out,
                "joined {} as {} ({})",
                member.team_name,
                member.name,
                member.role.as_str()
            )?;
            writeln!(out, "pushed {} pulled {}", report.pushed, report.pulled)?;
        }
        TeamCommand::Leave => {
            let dropped = desk.leave_team().await?;
            writeln!(out, "left the team; {dropped} unsent changes dropped")?;
        }
        TeamCommand::Status => status(desk, out).await?,
        TeamCommand::AddMember { name, role } => {
            let role = Role::parse(&role).unwrap_or(Role::Staff);
            let made = desk.add_member(&name, role).await?;
            writeln!(out, "{} {}", made.member_id, made.join_code)?;
        }
        TeamCommand::RemoveMember { member_id } => {
            desk.remove_member(&member_id).await?;
            writeln!(out, "removed {member_id}")?;
        }
        TeamCommand::ShareSettings => {
            desk.share_team_settings().await?;
            writeln!(out, "shared the team settings")?;
        }
    }
    Ok(())
}

pub async fn sync(desk: &Desk, status_only: bool, out: &mut impl Write) -> Result<(), Error> {
    if status_only {
        return status(desk, out).await;
    }
    let r = desk.sync().await?;
    writeln!(
        out,
        "pushed {} skipped {} pulled {} waiting {}",
        r.pushed, r.skipped, r.pulled, r.waiting
    )?;
    Ok(())
}

async fn status(desk: &Desk, out: &mut impl Write) -> Result<(), Error> {
    let Some(s) = desk.team_status().await? else {
        writeln!(out, "not in a team")?;
        return Ok(());
    };
    writeln!(out, "team {}", s.team_name)?;
    writeln!(out, "member {} ({})", s.member_name, s.role)?;
    writeln!(out, "server {}", s.server)?;
    writeln!(out, "waiting {}", s.waiting)?;
    let last = s
        .last_synced_at
        .map_or_else(|| "never".to_owned(), |t| t.to_rfc3339());
    writeln!(out, "last synced {last}")?;
    if let Some(e) = s.last_error {
        writeln!(out, "last error {e}")?;
    }
    Ok(())
}
