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
            "human" => print!("{}", infra_render::plan_text(&plan, work.style)),
            other => return Err(anyhow!("-format={other}: expected human or markdown")),
        }
        return Ok(Exit::Ok);
    }
    let state_settings = session::load_state_settings(work, &args.state)?;
    let backend = session::backend(work, &state_settings, &args.state)?;
    let state = session::read_state(backend.as_ref())?;
    if args.json {
        let resources: Vec<serde_json::Value> = state
            .resources
            .iter()
            .map(|(address, r)| {
                let (values, _, sensitive) = r.value.to_json_parts();
                let values = redact(values, &sensitive);
                serde_json::json!({"address": address.to_string(), "type": r.resource_type, "values": values, "sensitive_values": sensitive})
            })
            .collect();
        println!(
            "{}",
            serde_json::json!({"format_version": "1.0", "values": {"root_module": {"resources": resources}}})
        );
        return Ok(Exit::Ok);
    }
    if state.resources.is_empty() {
        println!("The state file is empty. No resources are represented.");
        return Ok(Exit::Ok);
    }
    let resources: Vec<(String, String, infra_core::Value)> = state
        .resources
        .iter()
        .map(|(address, r)| {
            (
                address.to_string(),
                r.resource_type.clone(),
                r.value.clone(),
            )
        })
        .collect();
    print!("{}", infra_render::state_text(&resources, work.style));
    Ok(Exit::Ok)
}

/// Nulls every value whose mask says sensitive.
fn redact(value: serde_json::Value, mask: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match (value, mask) {
        (_, J::Bool(true)) => J::Null,
        (J::Object(entries), J::Object(masks)) => J::Object(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let m = masks.get(&k).cloned().unwrap_or(J::Bool(false));
                    (k, redact(v, &m))
                })
                .collect(),
        ),
        (J::Array(items), J::Array(masks)) => J::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| redact(v, masks.get(i).unwrap_or(&J::Bool(false))))
                .collect(),
        ),
        (value, _) => value,
    }
}
