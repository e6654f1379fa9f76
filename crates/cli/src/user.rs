//! `linzhang user …`: accounts from the command line. Passwords are read from standard input.

use std::io::BufRead;

use anyhow::Context;
use linzhang_domain::account::{DEPARTMENT_TABLE, check_department, check_password_policy};
use linzhang_domain::audit::Actor;
use linzhang_domain::{Clock, GridCode, Role};
use linzhang_store::{NewUser, Store, WriteCtx};

#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from standard input.
    Add {
        name: String,
        /// admin, office, chief, ranger, technician, police, department or auditor.
        #[arg(long)]
        role: String,
        /// Division code of the user's grid (their scope).
        #[arg(long)]
        grid: String,
        /// The user must change the password at first login.
        #[arg(long)]
        temporary: bool,
        /// A department account's member department (a `department` code, e.g. `police`).
        #[arg(long)]
        department: Option<String>,
    },
    /// Set a password (read from standard input).
    Passwd {
        name: String,
        #[arg(long)]
        temporary: bool,
    },
    /// Lock an account and end its sessions.
    Lock { name: String },
    /// Unlock an account (also clears a lock from failed logins).
    Unlock { name: String },
}

fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    check_password_policy(&password).map_err(|e| anyhow::anyhow!("password refused: {e}"))?;
    Ok(password)
}

fn hash(password: &str) -> anyhow::Result<String> {
    linzhang_server::password::hash(password).map_err(|e| anyhow::anyhow!("cannot hash: {e}"))
}

pub async fn run(store: &dyn Store, clock: &dyn Clock, cmd: UserCommand) -> anyhow::Result<String> {
    let ctx = WriteCtx {
        actor: Actor::system("cli"),
        at: clock.now(),
    };
    let find = |name: String| async move {
        store
            .user_by_name(&name)
            .await?
            .with_context(|| format!("no user {name:?}"))
    };
    match cmd {
        UserCommand::Add {
            name,
            role,
            grid,
            temporary,
            department,
        } => {
            let role = Role::parse(&role).with_context(|| {
                format!("unknown role {role:?}: use admin, office, chief, ranger, technician, police, department or auditor")
            })?;
            let grid = GridCode::parse(&grid).map_err(|e| anyhow::anyhow!("--grid: {e}"))?;
            let departments = store.code_table(DEPARTMENT_TABLE, None).await?;
            check_department(role, department.as_deref(), &departments.table)
                .map_err(|e| anyhow::anyhow!("--department: {e}"))?;
            let password = read_password()?;
            let user = store
                .create_user(
                    &ctx,
                    &NewUser {
                        username: name,
                        password_hash: hash(&password)?,
                        role,
                        grid_code: grid,
                        must_change_password: temporary,
                        person_id: None,
                        department,
                    },
                )
                .await?;
            Ok(format!(
                "created {} ({}, {} {})\n",
                user.username,
                user.role.as_str(),
                user.grid_code,
                user.grid_name
            ))
        }
        UserCommand::Passwd { name, temporary } => {
            let user = find(name).await?;
            let password = read_password()?;
            store
                .set_password(&ctx, user.id, &hash(&password)?, temporary)
                .await?;
            Ok(format!("password of {} changed\n", user.username))
        }
        UserCommand::Lock { name } => {
            let user = find(name).await?;
            store.set_disabled(&ctx, user.id, true).await?;
            Ok(format!("{} locked\n", user.username))
        }
        UserCommand::Unlock { name } => {
            let user = find(name).await?;
            store.set_disabled(&ctx, user.id, false).await?;
            Ok(format!("{} unlocked\n", user.username))
        }
    }
}
