//! `infra show [-json] [-format=markdown] [FILE]`: a saved plan, or the state.

use anyhow::{anyhow, Context, Result};

use crate::args::ShowArgs;
use crate::session::{self, Workdir};
use crate::Exit;

pub async fn run(work: &Workdir, args: &ShowArgs) -> Result<Exit> {
    if let Some(file) = &args.file {
        let path = work.path(file);
        let state_settings = session::load_state_settings(work, &args.state)?;
        let text = crate::commands::plan::read_plan_file(
            &path,
            state_settings.encryption.plan.as_deref(),
        )?;
        if args.json {
            // The file is already the Terraform plan representation; print it as one document.
            let document: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("{} is not valid JSON", path.display()))?;
            println!("{}", serde_json::to_string(&document)?);
            return Ok(Exit::Ok);
        }
        let plan = infra_engine::planfile::from_json(&path.display().to_string(), &text)?;
        match args.format.as_str() {
            "markdown" => print!("{}", infra_render::plan_markdown(&plan)),
            // The types' schemas, as Terraform's `show` loads its providers' (no provider is
            // configured or called).
            "human" => {
                super::plan::print_plan_text(&plan, &crate::state_json::schemas(), work.style)
            }
            other => return Err(anyhow!("-format={other}: expected human or markdown")),
        }
        return Ok(Exit::Ok);
    }
    let state_settings = session::load_state_settings(work, &args.state)?;
    let backend = session::backend(work, &state_settings, &args.state)?;
    let state = session::read_state(backend.as_ref())?;
    if args.json {
        let registry = crate::state_json::schemas();
        let resources = state
            .resources
            .iter()
            .map(|(address, r)| crate::state_json::resource(address, r, &registry))
            .collect();
        let document = ShowState {
            format_version: "1.0",
            values: StateValues { root_module: Module { resources } },
        };
        println!("{}", crate::state_json::to_go_json(&document)?);
        return Ok(Exit::Ok);
    }
    if state.resources.is_empty() {
        println!("The state file is empty. No resources are represented.");
        return Ok(Exit::Ok);
    }
    let resources: Vec<(String, String, infra_core::Value)> = state
        .resources
        .iter()
        .map(|(address, r)| (address.to_string(), r.resource_type.clone(), r.value.clone()))
        .collect();
    print!("{}", infra_render::state_text(&resources, work.style));
    Ok(Exit::Ok)
}

/// The document `show -json` prints for the state, its resources in Terraform's
/// `jsonstate.Resource` form.
#[derive(serde::Serialize)]
struct ShowState {
    format_version: &'static str,
    values: StateValues,
}

#[derive(serde::Serialize)]
struct StateValues {
    root_module: Module,
}

#[derive(serde::Serialize)]
struct Module {
    resources: Vec<crate::state_json::Resource>,
}
