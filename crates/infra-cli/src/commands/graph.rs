//! `infra graph`: the resource dependency graph as DOT, in the shape Terraform 1.7 and later
//! print (one node per resource block, an edge from each resource to what it depends on).
//! No variable values, state or AWS calls are needed.

use anyhow::Result;
use infra_config::Evaluator;

use crate::session::{self, check, Workdir};
use crate::Exit;

pub fn run(work: &Workdir) -> Result<Exit> {
    let config = session::load_required_config(work, false)?;
    let evaluator = check(
        Evaluator::for_validation(&config, &work.workspace),
        work.style,
    )?;
    let dependencies = check(evaluator.dependencies(), work.style)?;
    print!("{}", dot(&dependencies));
    Ok(Exit::Ok)
}

fn dot(
    dependencies: &std::collections::BTreeMap<
        infra_core::ResourceId,
        std::collections::BTreeSet<infra_core::ResourceId>,
    >,
) -> String {
    let mut out = String::from(
        "digraph G {\n  rankdir = \"RL\";\n  node [shape = rect, fontname = \"sans-serif\"];\n",
    );
    for id in dependencies.keys() {
        out.push_str(&format!("  \"{id}\" [label=\"{id}\"];\n"));
    }
    for (id, uses) in dependencies {
        for used in uses {
            out.push_str(&format!("  \"{id}\" -> \"{used}\";\n"));
        }
    }
    out.push_str("}\n");
    out
}
