//! `infra workspace new|select|list|show|delete`.
//!
//! Which workspace is selected is always kept locally (`.infra/environment`), as Terraform
//! does. Which workspaces exist depends on the backend: directories under `terraform.tfstate.d/`
//! for local state, state objects under `<workspace_key_prefix>/NAME/<key>` for S3.

use anyhow::{anyhow, Result};
use infra_aws::s3_backend::S3Backend;
use infra_state::{workspace, Backend, State};

use crate::args::WorkspaceCommand;
use crate::session::Workdir;
use crate::Exit;

/// Where this configuration's workspaces live.
enum Workspaces {
    Local,
    S3(Box<S3Backend>),
}

impl Workspaces {
    /// S3 when the configuration has `backend "s3"`; local otherwise (also when the backend
    /// block cannot be read, so that workspaces can be managed while it is broken).
    fn open(work: &Workdir) -> Result<Workspaces> {
        match infra_config::load_state_settings(&work.dir).ok() {
            Some((Some(backend), encryption)) if backend.kind == "s3" => {
                // A new workspace's empty state is written encrypted, as every later write.
                let encryption = crate::encryption::targets(encryption)?.state;
                Ok(Workspaces::S3(Box::new(
                    crate::session::s3_backend(work, &backend)?.with_encryption(encryption),
                )))
            }
            _ => Ok(Workspaces::Local),
        }
    }

    fn list(&self, work: &Workdir) -> Result<Vec<String>> {
        match self {
            Workspaces::Local => Ok(workspace::list_local(&work.dir)),
            Workspaces::S3(backend) => Ok(backend.list_workspaces()?),
        }
    }
}

pub async fn run(work: &Workdir, command: WorkspaceCommand) -> Result<Exit> {
    let workspaces = Workspaces::open(work)?;
    match command {
        WorkspaceCommand::Show => println!("{}", work.workspace),
        WorkspaceCommand::List => {
            for name in workspaces.list(work)? {
                let marker = if name == work.workspace { "*" } else { " " };
                println!("{marker} {name}");
            }
        }
        WorkspaceCommand::New { name } => {
            match &workspaces {
                Workspaces::Local => workspace::create_local(&work.dir, &name)?,
                Workspaces::S3(backend) => {
                    if !workspace::valid_name(&name) {
                        return Err(workspace::WorkspaceError::InvalidName(name).into());
                    }
                    if workspaces.list(work)?.contains(&name) {
                        return Err(workspace::WorkspaceError::AlreadyExists(name).into());
                    }
                    // An empty state makes the workspace visible to `list` and `select` from
                    // every clone; the write is conditional, so a concurrent `new` loses cleanly.
                    let target = backend.for_workspace(&name);
                    target.write(&State::new())?;
                }
            }
            workspace::select(&work.dir, &name)?;
            println!("Created and switched to workspace \"{name}\"!");
            println!("\nYou're now on a new, empty workspace. Workspaces isolate their state,\nso if you run `infra plan` infra will not see any existing state\nfor this configuration.");
        }
        WorkspaceCommand::Select { name } => {
            if !workspaces.list(work)?.contains(&name) {
                return Err(anyhow!("Workspace \"{name}\" doesn't exist. Create it with `infra workspace new {name}`."));
            }
            workspace::select(&work.dir, &name)?;
            println!("Switched to workspace \"{name}\".");
        }
        WorkspaceCommand::Delete { name, force } => {
            if name == work.workspace {
                return Err(anyhow!("Workspace \"{name}\" is your active workspace; select another workspace first."));
            }
            match &workspaces {
                Workspaces::Local => workspace::delete_local(&work.dir, &name, force)?,
                Workspaces::S3(backend) => backend.delete_workspace(&name, force)?,
            }
            println!("Deleted workspace \"{name}\"!");
        }
    }
    Ok(Exit::Ok)
}
