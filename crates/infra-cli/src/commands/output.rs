//! `infra output [-json] [-raw] [NAME]`.

use anyhow::{anyhow, Result};
use infra_core::Value;
use infra_state::State;

use crate::args::OutputArgs;
use crate::session::{self, Workdir};
use crate::Exit;

pub async fn run(work: &Workdir, args: &OutputArgs) -> Result<Exit> {
    let state_settings = session::load_state_settings(work, &args.state)?;
    let backend = session::backend(work, &state_settings, &args.state)?;
    let state = session::read_state(backend.as_ref())?;
    match &args.name {
        Some(name) => {
            let output = state.outputs.get(name).ok_or_else(|| {
                anyhow!("Output \"{name}\" not found\n\nThe output variable requested could not be found in the state.")
            })?;
            if args.raw {
                match output.value.unmarked() {
                    Value::String(s) => print!("{s}"),
                    Value::Number(_) | Value::Bool(_) => print!("{}", output.value.unmarked()),
                    other => {
                        return Err(anyhow!(
                            "-raw needs a string, number or bool; {name} is a {}",
                            other.type_name()
                        ))
                    }
                }
            } else if args.json {
                println!("{}", output.value.to_json());
            } else {
                // Named, a sensitive output is shown, as in Terraform.
                println!("{}", output.value.unmarked());
            }
        }
        None if args.json => {
            let all: serde_json::Map<String, serde_json::Value> = state
                .outputs
                .iter()
                .map(|(name, o)| (name.clone(), serde_json::json!({"sensitive": o.sensitive, "type": o.value.type_name(), "value": o.value.to_json()})))
                .collect();
            println!("{}", serde_json::to_string_pretty(&all)?);
        }
        None => print_all(&state),
    }
    Ok(Exit::Ok)
}

/// Every output as `name = value`, a sensitive one as `<sensitive>`: what `infra output` and
/// the end of `infra apply` print.
pub(crate) fn print_all(state: &State) {
    for (name, output) in &state.outputs {
        let shown =
            if output.sensitive { "<sensitive>".to_string() } else { output.value.to_string() };
        println!("{name} = {shown}");
    }
}
