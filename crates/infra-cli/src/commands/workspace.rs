//! `infra workspace new|select|list|show|delete`.

use anyhow::{anyhow, Result};
use infra_state::workspace;

use crate::args::WorkspaceCommand;
use crate::session::Workdir;
use crate::Exit;

pub async fn run(work: &Workdir, command: WorkspaceCommand) -> Result<Exit> {
    match command {
        WorkspaceCommand::Show => println!("{}", work.workspace),
        WorkspaceCommand::List => {
            for name in workspace::list_local(&work.dir) {
                let marker = if name == work.workspace { "*" } else { " " };
                println!("{marker} {name}");
            }
        }
        WorkspaceCommand::New { name } => {
            workspace::create_local(&work.dir, &name)?;
            workspace::select(&work.dir, &name)?;
            println!("Created and switched to workspace \"{name}\"!");
        }
        WorkspaceCommand::Select { name } => {
            if !workspace::list_local(&work.dir).contains(&name) {
                return Err(anyhow!("Workspace \"{name}\" doesn't exist. Create it with `infra workspace new {name}`."));
            }
            workspace::select(&work.dir, &name)?;
            println!("Switched to workspace \"{name}\".");
        }
        WorkspaceCommand::Delete { name, force } => {
            if name == work.workspace {
                return Err(anyhow!("Workspace \"{name}\" is your active workspace; select another workspace first."));
            }
            workspace::delete_local(&work.dir, &name, force)?;
            println!("Deleted workspace \"{name}\"!");
        }
    }
    Ok(Exit::Ok)
}
