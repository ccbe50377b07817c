//! Command-line arguments. Terraform's single-dash flags (`-out=plan.json`, `-auto-approve`,
//! `-var 'a=b'`, `-chdir=DIR`) are accepted as well as `--flags`: they are rewritten before
//! clap sees them.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "infra",
    version,
    about = "A Terraform-style provisioner for the AWS container stack",
    disable_help_subcommand = true
)]
pub struct Cli {
    /// Switch to DIR before doing anything (Terraform's -chdir).
    #[arg(long, global = true, value_name = "DIR")]
    pub chdir: Option<PathBuf>,
    /// Never use colour (also: the NO_COLOR environment variable, or no TTY).
    #[arg(long = "no-color", global = true)]
    pub no_color: bool,
    /// Ask for missing variables and approval on a terminal (default true). Every command
    /// accepts it; commands that never prompt ignore it.
    #[arg(long, global = true, default_value_t = true, action = ArgAction::Set, value_name = "BOOL")]
    pub input: bool,
    /// Do not ask for confirmation. Every command accepts it; commands that never ask
    /// ignore it.
    #[arg(long = "auto-approve", global = true)]
    pub auto_approve: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Install remote modules; check the configuration and backend.
    Init(InitArgs),
    /// Check the configuration without touching state or AWS.
    Validate(ValidateArgs),
    /// Rewrite *.tf files in the canonical format.
    Fmt(FmtArgs),
    /// Show what apply would do.
    Plan(PlanArgs),
    /// Make the changes, from the configuration or a saved plan file.
    Apply(ApplyArgs),
    /// Delete everything this state manages.
    Destroy(ApplyArgs),
    /// Show the state, or a saved plan file.
    Show(ShowArgs),
    /// Print root module outputs.
    Output(OutputArgs),
    /// Inspect and edit the state.
    #[command(subcommand)]
    State(StateCommand),
    /// Remove a stale lock by its ID.
    ForceUnlock(ForceUnlockArgs),
    /// Manage workspaces (one state per environment).
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
    /// Switch a blue/green service back to its standby colour.
    Revert(RevertArgs),
    /// Scale a blue/green service's standby colour down now.
    Finalize(RevertArgs),
    /// Show blue/green deployments (live and standby colours, weights, history), or end a
    /// deploy paused by a PAUSE lifecycle hook: `infra deployments continue|rollback ADDR`.
    Deployments(DeploymentsArgs),
    /// Print the resource dependency graph: `-format=dot` (default) or `-format=mermaid`.
    Graph(GraphArgs),
    /// Show the providers: `infra providers schema -json` prints their schemas as Terraform does.
    #[command(subcommand)]
    Providers(ProvidersCommand),
    /// Adopt an existing object into the state: `infra import ADDR ID`.
    Import(ImportArgs),
    /// Print the version.
    Version,
}

#[derive(Subcommand, Debug)]
pub enum ProvidersCommand {
    /// The schemas of every resource type and data source, in the JSON form of
    /// `terraform providers schema -json`.
    Schema {
        /// Required, as in Terraform: the output is JSON.
        #[arg(long = "json", short = 'j')]
        json: bool,
    },
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    #[command(flatten)]
    pub variables: VariableArgs,
    #[command(flatten)]
    pub state: StateArgs,
    /// The resource instance to import into, e.g. aws_vpc.main or aws_subnet.private[0].
    pub address: String,
    /// The object's import ID, as the provider documents it for the type.
    pub id: String,
}

#[derive(Args, Debug, Clone, Default)]
pub struct StateArgs {
    /// State file path (default: terraform.tfstate, or the workspace's).
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,
    /// Take the state lock (default true).
    #[arg(long, default_value_t = true, action = ArgAction::Set, value_name = "BOOL")]
    pub lock: bool,
    /// How long to retry a held lock, e.g. 30s or 5m.
    #[arg(long = "lock-timeout", default_value = "0s", value_name = "DURATION")]
    pub lock_timeout: String,
}

#[derive(Args, Debug, Clone, Default)]
pub struct VariableArgs {
    /// Set a variable: -var 'name=value'.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub var: Vec<String>,
    /// Read variables from a .tfvars file.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_file: Vec<PathBuf>,
}

#[derive(Args, Debug, Clone, Default)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub variables: VariableArgs,
    /// Print Terraform's validate JSON (`valid`, `error_count`, `diagnostics`) on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug, Clone, Default)]
pub struct PlanArgs {
    #[command(flatten)]
    pub variables: VariableArgs,
    #[command(flatten)]
    pub state: StateArgs,
    /// Write the plan to FILE (Terraform plan JSON; `infra apply FILE` executes it).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 0 with no changes, 1 on error, 2 with changes.
    #[arg(long = "detailed-exitcode")]
    pub detailed_exitcode: bool,
    /// Refresh managed objects before planning (default true).
    #[arg(long, default_value_t = true, action = ArgAction::Set, value_name = "BOOL")]
    pub refresh: bool,
    /// Limit the plan to ADDR and what it depends on.
    #[arg(long, value_name = "ADDR")]
    pub target: Vec<String>,
    /// Plan to replace ADDR.
    #[arg(long, value_name = "ADDR")]
    pub replace: Vec<String>,
    /// Leave ADDR and everything that depends on it out of the plan (OpenTofu's -exclude).
    #[arg(long, value_name = "ADDR")]
    pub exclude: Vec<String>,
    /// Read -target addresses from FILE, one a line (`#` starts a comment).
    #[arg(long = "target-file", value_name = "FILE")]
    pub target_file: Option<PathBuf>,
    /// Read -exclude addresses from FILE, one a line (`#` starts a comment).
    #[arg(long = "exclude-file", value_name = "FILE")]
    pub exclude_file: Option<PathBuf>,
    /// Only detect drift and record it in the state; change no object.
    #[arg(long = "refresh-only")]
    pub refresh_only: bool,
    /// Write configuration for `import` targets that have none to FILE.
    #[arg(long = "generate-config-out", value_name = "FILE")]
    pub generate_config_out: Option<PathBuf>,
    /// Plan to destroy everything.
    #[arg(long)]
    pub destroy: bool,
    /// Operations at once during apply.
    #[arg(long, default_value_t = 10)]
    pub parallelism: usize,
    /// Terraform's machine-readable UI: one JSON message a line on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug, Clone, Default)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub plan: PlanArgs,
    /// A plan file written by `infra plan -out`.
    pub plan_file: Option<PathBuf>,
    /// Finish a blue/green deploy a killed run left part way, if its health gate had passed
    /// and the new colour is healthy (without it, the deploy is rolled back).
    #[arg(long)]
    pub resume: bool,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    #[command(flatten)]
    pub variables: VariableArgs,
    /// Backend settings: KEY=VALUE or a file of them.
    #[arg(long = "backend-config", value_name = "KEY=VALUE|FILE")]
    pub backend_config: Vec<String>,
    /// Move an existing local state into the configured backend.
    #[arg(long = "migrate-state")]
    pub migrate_state: bool,
    /// Re-resolve module versions to the newest that match their constraints.
    #[arg(long)]
    pub upgrade: bool,
}

#[derive(Args, Debug)]
pub struct FmtArgs {
    /// Only check; exit 3 when files would change.
    #[arg(long)]
    pub check: bool,
    /// Also format subdirectories.
    #[arg(long)]
    pub recursive: bool,
    /// Files or directories (default: the working directory).
    pub paths: Vec<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    #[command(flatten)]
    pub state: StateArgs,
    /// Print JSON (Terraform's plan representation for a plan file).
    #[arg(long)]
    pub json: bool,
    /// `human` (default) or `markdown` (a plan summary for pull requests).
    #[arg(long, default_value = "human")]
    pub format: String,
    /// A plan file; without it, the state is shown.
    pub file: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct GraphArgs {
    /// `dot` (default, for Graphviz) or `mermaid` (a Mermaid flowchart), as Terraform 1.16's
    /// `-format`.
    #[arg(long, default_value = "dot", value_name = "FORMAT")]
    pub format: String,
}

#[derive(Args, Debug)]
pub struct OutputArgs {
    #[command(flatten)]
    pub state: StateArgs,
    #[arg(long)]
    pub json: bool,
    /// Print a string value without quotes.
    #[arg(long)]
    pub raw: bool,
    pub name: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum StateCommand {
    /// List the addresses in state.
    List(StateArgs),
    /// Show one resource's attributes.
    Show {
        #[command(flatten)]
        state: StateArgs,
        /// Print the instance as Terraform's `state show -json` does: `format_version`,
        /// `resource` (in `show -json`'s form) and `diagnostics`.
        #[arg(long)]
        json: bool,
        address: String,
    },
    /// Forget resources without destroying them.
    Rm {
        #[command(flatten)]
        state: StateArgs,
        #[arg(required = true)]
        addresses: Vec<String>,
    },
    /// Move objects to another address: a resource, an instance or a module call.
    Mv {
        #[command(flatten)]
        state: StateArgs,
        /// Show what would move without changing the state.
        #[arg(long = "dry-run")]
        dry_run: bool,
        source: String,
        destination: String,
    },
    /// Print the raw state (for recovery).
    Pull(StateArgs),
    /// Replace the state with a file (for recovery); refused if its lineage differs, unless -force.
    Push {
        #[command(flatten)]
        state: StateArgs,
        #[arg(long)]
        force: bool,
        file: PathBuf,
    },
}

#[derive(Args, Debug)]
pub struct ForceUnlockArgs {
    #[command(flatten)]
    pub state: StateArgs,
    #[arg(long)]
    pub force: bool,
    pub id: String,
}

#[derive(Subcommand, Debug)]
pub enum WorkspaceCommand {
    New {
        name: String,
    },
    Select {
        name: String,
    },
    List,
    Show,
    Delete {
        #[arg(long)]
        force: bool,
        name: String,
    },
}

#[derive(Args, Debug)]
pub struct DeploymentsArgs {
    #[command(flatten)]
    pub state: StateArgs,
    #[command(subcommand)]
    pub action: Option<DeploymentsCommand>,
}

#[derive(Subcommand, Debug)]
pub enum DeploymentsCommand {
    /// Let a deploy paused by a PAUSE lifecycle hook go on to its next stage.
    Continue(PausedArgs),
    /// Roll back a deploy paused by a PAUSE lifecycle hook, as a failed hook does.
    Rollback(PausedArgs),
}

#[derive(Args, Debug)]
pub struct PausedArgs {
    #[command(flatten)]
    pub state: StateArgs,
    /// The aws_ecs_service's address, e.g. aws_ecs_service.app or module.x.aws_ecs_service.app.
    pub address: String,
}

#[derive(Args, Debug)]
pub struct RevertArgs {
    #[command(flatten)]
    pub state: StateArgs,
    /// Revert even if the standby colour is not healthy.
    #[arg(long)]
    pub force: bool,
    /// The service address; optional when there is one blue/green service.
    pub address: Option<String>,
}

/// Rewrites Terraform-style `-flag` into `--flag`, leaving values and `--` alone.
pub fn normalize(args: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut after_double_dash = false;
    let mut previous_takes_value = false;
    for (index, arg) in args.into_iter().enumerate() {
        if index == 0 || after_double_dash || previous_takes_value {
            previous_takes_value = false;
            out.push(arg);
            continue;
        }
        if arg == "--" {
            after_double_dash = true;
            out.push(arg);
            continue;
        }
        let rewritten = if arg.starts_with('-')
            && !arg.starts_with("--")
            && arg.len() > 2
            && arg.as_bytes()[1].is_ascii_alphabetic()
        {
            format!("-{arg}")
        } else {
            arg
        };
        // `-var a=b` and `-var-file f`: the next word is a value even if it starts with '-'.
        previous_takes_value = matches!(
            rewritten.as_str(),
            "--var"
                | "--var-file"
                | "--target"
                | "--replace"
                | "--exclude"
                | "--target-file"
                | "--exclude-file"
                | "--generate-config-out"
                | "--out"
                | "--state"
                | "--chdir"
                | "--backend-config"
        );
        out.push(rewritten);
    }
    out
}

/// The `-var` and `-var-file` arguments in command-line order, which decides precedence.
#[derive(Debug, Clone, PartialEq)]
pub enum VariableSource {
    Var(String),
    File(PathBuf),
}

pub fn ordered_variable_sources(args: &[String]) -> Vec<VariableSource> {
    let mut sources = Vec::new();
    let mut iter = args.iter().skip(1);
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        if let Some(value) = arg.strip_prefix("--var=") {
            sources.push(VariableSource::Var(value.to_string()));
        } else if let Some(value) = arg.strip_prefix("--var-file=") {
            sources.push(VariableSource::File(PathBuf::from(value)));
        } else if arg == "--var" {
            if let Some(value) = iter.next() {
                sources.push(VariableSource::Var(value.clone()));
            }
        } else if arg == "--var-file" {
            if let Some(value) = iter.next() {
                sources.push(VariableSource::File(PathBuf::from(value)));
            }
        }
    }
    sources
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn single_dash_flags_become_double() {
        assert_eq!(
            normalize(words(
                "infra -chdir=x plan -out=p.json -var a=-1 -input=false --lock=false -"
            )),
            words("infra --chdir=x plan --out=p.json --var a=-1 --input=false --lock=false -")
        );
    }

    #[test]
    fn variable_sources_keep_order() {
        let args = normalize(words("infra plan -var-file=a.tfvars -var x=1 -var-file b.tfvars"));
        assert_eq!(
            ordered_variable_sources(&args),
            vec![
                VariableSource::File("a.tfvars".into()),
                VariableSource::Var("x=1".into()),
                VariableSource::File("b.tfvars".into())
            ]
        );
    }
}
