//! One file per command.

pub mod apply;
pub mod deployments;
pub mod fmt;
pub mod graph;
pub mod import;
pub mod init;
pub mod output;
pub mod plan;
pub mod providers;
pub mod show;
pub mod state;
pub mod validate;
pub mod workspace;

use anyhow::Result;

use crate::args::{Cli, Command, VariableSource};
use crate::session::Workdir;
use crate::Exit;

pub async fn run(cli: Cli, variable_sources: Vec<VariableSource>) -> Result<Exit> {
    if let Command::Version = cli.command {
        println!("infra v{}", env!("CARGO_PKG_VERSION"));
        return Ok(Exit::Ok);
    }
    let mut work = Workdir::new(cli.chdir, cli.no_color)?;
    work.input = cli.input;
    work.auto_approve = cli.auto_approve;
    match cli.command {
        Command::Init(args) => init::run(&work, &args, &variable_sources).await,
        Command::Validate(args) => validate::run(&work, &args, &variable_sources),
        Command::Fmt(args) => fmt::run(&work, &args),
        Command::Plan(args) => plan::run(&work, &args, &variable_sources).await,
        Command::Apply(args) => apply::run(&work, &args, &variable_sources, false).await,
        Command::Destroy(args) => apply::run(&work, &args, &variable_sources, true).await,
        Command::Show(args) => show::run(&work, &args).await,
        Command::Output(args) => output::run(&work, &args).await,
        Command::State(command) => state::run(&work, command).await,
        Command::ForceUnlock(args) => state::force_unlock(&work, &args).await,
        Command::Workspace(command) => workspace::run(&work, command).await,
        Command::Revert(args) => deployments::revert(&work, &args).await,
        Command::Finalize(args) => deployments::finalize(&work, &args).await,
        Command::Deployments(args) => deployments::run(&work, &args).await,
        Command::Graph(args) => graph::run(&work, &args),
        Command::Providers(command) => providers::run(command),
        Command::Import(args) => import::run(&work, &args, &variable_sources).await,
        Command::Version => Ok(Exit::Ok),
    }
}
