//! `infra graph [-format=dot|mermaid]`: the resource dependency graph, as Terraform prints its
//! default resources-only graph (`resourceOnlyGraph` and, since 1.16, `resourceOnlyGraphMermaid`
//! in `internal/command/graph.go`): one node per resource block, sorted by module, then data
//! sources before managed resources, then type and name; the resources of each module grouped
//! together; an edge from each resource to each resource it depends on. Both formats print the
//! one walk of the graph. No variable values, state or AWS calls are needed.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use infra_config::Evaluator;
use infra_core::{Mode, ResourceId};

use crate::args::GraphArgs;
use crate::session::{self, check, Workdir};
use crate::Exit;

pub fn run(work: &Workdir, args: &GraphArgs) -> Result<Exit> {
    let config = session::load_required_config(work, false)?;
    let config = if config.has_module_sources_to_evaluate() {
        let inputs = session::input_variables(work, &config, &[], false)?;
        check(session::resolve_module_sources(work, config, &inputs), work.style)?
    } else {
        config
    };
    let evaluator = check(Evaluator::for_validation(&config, &work.workspace), work.style)?;
    let dependencies = check(evaluator.dependencies(), work.style)?;
    let graph = ResourceGraph::walk(&dependencies);
    let text = match args.format.as_str() {
        "mermaid" => graph.mermaid(),
        "" | "dot" => graph.dot(),
        other => {
            // Terraform's words, through its `Ui.Error`: the line alone on stderr, exit 1.
            eprintln!("Unsupported graph format: {other}");
            return Ok(Exit::Error);
        }
    };
    print!("{text}");
    Ok(Exit::Ok)
}

/// The graph in Terraform's order: `nodes` sorted, and `edges` as (from, to) indexes into
/// `nodes`, from each node in order to each node it depends on in order.
struct ResourceGraph {
    nodes: Vec<ResourceId>,
    edges: Vec<(usize, usize)>,
}

impl ResourceGraph {
    fn walk(dependencies: &BTreeMap<ResourceId, BTreeSet<ResourceId>>) -> ResourceGraph {
        let mut nodes: Vec<ResourceId> = dependencies.keys().cloned().collect();
        nodes.sort_by(|a, b| {
            a.module_address()
                .cmp(&b.module_address())
                .then_with(|| (a.mode != Mode::Data).cmp(&(b.mode != Mode::Data)))
                .then_with(|| a.resource_type.cmp(&b.resource_type))
                .then_with(|| a.name.cmp(&b.name))
        });
        let mut edges = Vec::new();
        for (from, source) in nodes.iter().enumerate() {
            let uses = &dependencies[source];
            for (to, target) in nodes.iter().enumerate() {
                if uses.contains(target) {
                    edges.push((from, to));
                }
            }
        }
        ResourceGraph { nodes, edges }
    }

    /// Each node with its module's address when it starts a new module (`None` for the
    /// root), in order: where a renderer opens (and closes) a module's group.
    fn nodes_by_module(&self) -> Vec<(Option<String>, &ResourceId)> {
        let mut current = String::new();
        self.nodes
            .iter()
            .map(|node| {
                let module = node.module_address();
                if module != current {
                    current = module.clone();
                    (Some(module), node)
                } else {
                    (None, node)
                }
            })
            .collect()
    }

    /// Terraform's `resourceOnlyGraph`.
    fn dot(&self) -> String {
        let mut out = String::from(
            "digraph G {\n  rankdir = \"RL\";\n  node [shape = rect, fontname = \"sans-serif\"];\n",
        );
        if self.nodes.is_empty() {
            // Terraform's second line suggests `terraform graph -type=plan`, which infra
            // does not have.
            out.push_str("  /* This configuration does not contain any resources.         */\n");
        }
        let mut in_module = false;
        for (starts, node) in self.nodes_by_module() {
            if let Some(module) = starts {
                if in_module {
                    out.push_str("  }\n");
                }
                out.push_str(&format!("  subgraph \"cluster_{module}\" {{\n"));
                out.push_str(&format!("    label = {}\n", go_quote(&module)));
                out.push_str("    fontname = \"sans-serif\"\n");
                in_module = true;
            }
            let indent = if in_module { "    " } else { "  " };
            out.push_str(&format!(
                "{indent}{} [label={}];\n",
                go_quote(&node.to_string()),
                go_quote(&local_address(node))
            ));
        }
        if in_module {
            out.push_str("  }\n");
        }
        for &(from, to) in &self.edges {
            out.push_str(&format!(
                "  {} -> {};\n",
                go_quote(&self.nodes[from].to_string()),
                go_quote(&self.nodes[to].to_string())
            ));
        }
        out.push_str("}\n");
        out
    }

    /// Terraform's `resourceOnlyGraphMermaid`.
    fn mermaid(&self) -> String {
        let mut out = String::from("flowchart LR\n");
        if self.nodes.is_empty() {
            // Terraform's second line suggests `terraform graph -type=plan`, which infra
            // does not have.
            out.push_str("  %% This configuration does not contain any resources.\n");
            return out;
        }
        let mut in_module = false;
        for (starts, node) in self.nodes_by_module() {
            if let Some(module) = starts {
                if in_module {
                    out.push_str("  end\n");
                }
                out.push_str(&format!("  subgraph {module}\n"));
                in_module = true;
            }
            let indent = if in_module { "    " } else { "  " };
            out.push_str(&format!(
                "{indent}{node}[{}]\n",
                mermaid_escape_label(&local_address(node))
            ));
        }
        if in_module {
            out.push_str("  end\n");
        }
        for &(from, to) in &self.edges {
            out.push_str(&format!("  {} --> {}\n", self.nodes[from], self.nodes[to]));
        }
        out
    }
}

/// The address within its module (Terraform's `addrs.Resource.String()`): `aws_vpc.main`,
/// `data.aws_ami.base`, `ephemeral.random_password.db`.
fn local_address(id: &ResourceId) -> String {
    match id.mode.keyword() {
        None => format!("{}.{}", id.resource_type, id.name),
        Some(keyword) => format!("{keyword}.{}.{}", id.resource_type, id.name),
    }
}

/// Go's `%q` for the strings a graph holds (addresses: printable, so only `"` and `\` are
/// escaped).
fn go_quote(text: &str) -> String {
    format!("{text:?}")
}

/// Terraform's `dag.MermaidEscapeLabel`.
fn mermaid_escape_label(label: &str) -> String {
    format!("\"{}\"", label.replace('\n', " ").replace('"', "&quot;"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(module: &[&str], mode: Mode, resource_type: &str, name: &str) -> ResourceId {
        ResourceId {
            module: module.iter().map(|m| m.to_string()).collect(),
            mode,
            resource_type: resource_type.into(),
            name: name.into(),
        }
    }

    /// Terraform's `graph-interesting` fixture, with its type `foo`.
    fn interesting() -> ResourceGraph {
        let bar = id(&[], Mode::Managed, "foo", "bar");
        let baz = id(&[], Mode::Managed, "foo", "baz");
        let boop = id(&[], Mode::Managed, "foo", "boop");
        let bleep = id(&["child"], Mode::Managed, "foo", "bleep");
        ResourceGraph::walk(&BTreeMap::from([
            (bar.clone(), BTreeSet::new()),
            (baz, BTreeSet::from([bar.clone()])),
            (boop, BTreeSet::from([bleep.clone()])),
            (bleep, BTreeSet::from([bar])),
        ]))
    }

    #[test]
    fn dot_is_terraforms_resources_only_graph() {
        // TestGraph_resourcesOnly in internal/command/graph_test.go.
        assert_eq!(
            interesting().dot(),
            r#"digraph G {
  rankdir = "RL";
  node [shape = rect, fontname = "sans-serif"];
  "foo.bar" [label="foo.bar"];
  "foo.baz" [label="foo.baz"];
  "foo.boop" [label="foo.boop"];
  subgraph "cluster_module.child" {
    label = "module.child"
    fontname = "sans-serif"
    "module.child.foo.bleep" [label="foo.bleep"];
  }
  "foo.baz" -> "foo.bar";
  "foo.boop" -> "module.child.foo.bleep";
  "module.child.foo.bleep" -> "foo.bar";
}
"#
        );
    }

    #[test]
    fn mermaid_is_terraforms_resources_only_graph() {
        // TestGraph_resourcesOnly_mermaid in internal/command/graph_mermaid_test.go.
        assert_eq!(
            interesting().mermaid(),
            r#"flowchart LR
  foo.bar["foo.bar"]
  foo.baz["foo.baz"]
  foo.boop["foo.boop"]
  subgraph module.child
    module.child.foo.bleep["foo.bleep"]
  end
  foo.baz --> foo.bar
  foo.boop --> module.child.foo.bleep
  module.child.foo.bleep --> foo.bar
"#
        );
    }

    #[test]
    fn data_sources_come_first_and_keep_their_prefix() {
        let vpc = id(&[], Mode::Managed, "aws_vpc", "main");
        let ami = id(&[], Mode::Data, "aws_ami", "base");
        let graph =
            ResourceGraph::walk(&BTreeMap::from([(vpc, BTreeSet::new()), (ami, BTreeSet::new())]));
        assert_eq!(
            graph.mermaid(),
            "flowchart LR\n  data.aws_ami.base[\"data.aws_ami.base\"]\n  aws_vpc.main[\"aws_vpc.main\"]\n"
        );
    }
}
