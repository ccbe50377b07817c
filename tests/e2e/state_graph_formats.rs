//! Terraform 1.16's `state show -json ADDRESS` and `graph -format=mermaid`, through the real
//! binary. The expected texts are those of Terraform's own tests (`state_show_test.go`,
//! `graph_test.go`, `graph_mermaid_test.go`) with their test provider's types replaced by
//! `terraform_data`, `null_resource` and `random_password`, so no emulator is needed.

use infra_testkit::Stack;

use super::{assert_contains, infra};

/// Terraform's `graph-interesting` fixture (`internal/command/testdata/graph-interesting`), with
/// `terraform_data` for its resource type `foo`.
const GRAPH_INTERESTING: &str = r#"
resource "terraform_data" "bar" {
}

locals {
  foo_bar_baz = terraform_data.bar.output
}

resource "terraform_data" "baz" {
  input = local.foo_bar_baz
}

module "child" {
  source = "./child"

  in = local.foo_bar_baz
}

resource "terraform_data" "boop" {
  input = module.child.out
}
"#;

const GRAPH_INTERESTING_CHILD: &str = r#"
variable "in" {
  type = string
}

resource "terraform_data" "bleep" {
  input = var.in
}

output "out" {
  value = terraform_data.bleep.input
}
"#;

fn graph_interesting() -> Stack {
    let stack = Stack::new();
    stack.write("main.tf", GRAPH_INTERESTING);
    std::fs::create_dir_all(stack.path().join("child")).unwrap();
    stack.write("child/main.tf", GRAPH_INTERESTING_CHILD);
    stack
}

/// `TestGraph_resourcesOnly_mermaid`'s golden graph.
const MERMAID: &str = "flowchart LR
  terraform_data.bar[\"terraform_data.bar\"]
  terraform_data.baz[\"terraform_data.baz\"]
  terraform_data.boop[\"terraform_data.boop\"]
  subgraph module.child
    module.child.terraform_data.bleep[\"terraform_data.bleep\"]
  end
  terraform_data.baz --> terraform_data.bar
  terraform_data.boop --> module.child.terraform_data.bleep
  module.child.terraform_data.bleep --> terraform_data.bar
";

/// `TestGraph_resourcesOnly`'s golden graph: the same walk, as DOT.
const DOT: &str = r#"digraph G {
  rankdir = "RL";
  node [shape = rect, fontname = "sans-serif"];
  "terraform_data.bar" [label="terraform_data.bar"];
  "terraform_data.baz" [label="terraform_data.baz"];
  "terraform_data.boop" [label="terraform_data.boop"];
  subgraph "cluster_module.child" {
    label = "module.child"
    fontname = "sans-serif"
    "module.child.terraform_data.bleep" [label="terraform_data.bleep"];
  }
  "terraform_data.baz" -> "terraform_data.bar";
  "terraform_data.boop" -> "module.child.terraform_data.bleep";
  "module.child.terraform_data.bleep" -> "terraform_data.bar";
}
"#;

#[test]
fn graph_mermaid_is_terraforms_golden_graph() {
    let stack = graph_interesting();
    let mermaid = infra(&stack, None, &["graph", "-format=mermaid"]).ok();
    assert_eq!(mermaid.stdout, MERMAID, "stderr: {}", mermaid.stderr);
    // Terraform's flag parser also takes the value as the next word.
    let spaced = infra(&stack, None, &["graph", "-format", "mermaid"]).ok();
    assert_eq!(spaced.stdout, MERMAID, "stderr: {}", spaced.stderr);
}

#[test]
fn graph_dot_stays_the_default() {
    let stack = graph_interesting();
    let default = infra(&stack, None, &["graph"]).ok();
    assert_eq!(default.stdout, DOT, "stderr: {}", default.stderr);
    let dot = infra(&stack, None, &["graph", "-format=dot"]).ok();
    assert_eq!(dot.stdout, DOT, "stderr: {}", dot.stderr);
}

#[test]
fn graph_unknown_format_is_refused_in_terraforms_words() {
    let stack = graph_interesting();
    let refused = infra(&stack, None, &["graph", "-format=svg"]).expect_code(1);
    assert_eq!(refused.stderr, "Unsupported graph format: svg\n");
    assert_eq!(refused.stdout, "", "no graph is printed");
}

#[test]
fn graph_without_resources() {
    let stack = Stack::new();
    stack.write("main.tf", "output \"x\" {\n  value = 1\n}\n");
    let mermaid = infra(&stack, None, &["graph", "-format=mermaid"]).ok();
    assert_eq!(
        mermaid.stdout,
        "flowchart LR\n  %% This configuration does not contain any resources.\n"
    );
    let dot = infra(&stack, None, &["graph"]).ok();
    assert_eq!(
        dot.stdout,
        "digraph G {\n  rankdir = \"RL\";\n  node [shape = rect, fontname = \"sans-serif\"];\n  /* This configuration does not contain any resources.         */\n}\n"
    );
}

const STATE_CONFIG: &str = r#"
resource "terraform_data" "bar" {
  input = "seed"
}

resource "terraform_data" "baz" {
  input = {
    name = terraform_data.bar.output
    list = ["a", "b"]
  }
}

resource "null_resource" "n" {
  count    = 2
  triggers = { a = "b<>&" }
}

resource "random_password" "db" {
  length = 16
}
"#;

fn applied() -> Stack {
    let stack = Stack::new();
    stack.write("main.tf", STATE_CONFIG);
    infra(&stack, None, &["apply", "-auto-approve", "-input=false"]).ok();
    stack
}

/// The string attribute `name` of `address` in the state file.
fn attribute(stack: &Stack, address: &str, name: &str) -> String {
    stack.state()["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("{address} is not in the state"))["attributes"][name]
        .as_str()
        .unwrap_or_else(|| panic!("{address}.{name} is not a string"))
        .to_string()
}

#[test]
fn state_show_json_prints_terraforms_document() {
    let stack = applied();

    // TestStateShow_json's shape; the index, and Go's escaping of `<`, `>` and `&`.
    let id = attribute(&stack, "null_resource.n[1]", "id");
    let shown = infra(&stack, None, &["state", "show", "-json", "null_resource.n[1]"]).ok();
    assert_eq!(
        shown.stdout,
        format!(
            r#"{{
  "format_version": "1.0",
  "resource": {{
    "address": "null_resource.n[1]",
    "mode": "managed",
    "type": "null_resource",
    "name": "n",
    "index": 1,
    "provider_name": "registry.terraform.io/hashicorp/null",
    "schema_version": 0,
    "values": {{
      "id": "{id}",
      "triggers": {{
        "a": "b\u003c\u003e\u0026"
      }}
    }},
    "sensitive_values": {{
      "triggers": {{}}
    }}
  }},
  "diagnostics": []
}}
"#
        )
    );

    // A dynamic attribute as its value (not the state file's {"value", "type"}), collections
    // in sensitive_values as Terraform's SensitiveAsBool keeps them, and depends_on.
    let id = attribute(&stack, "terraform_data.baz", "id");
    let shown = infra(&stack, None, &["state", "show", "-json", "terraform_data.baz"]).ok();
    assert_eq!(
        shown.stdout,
        format!(
            r#"{{
  "format_version": "1.0",
  "resource": {{
    "address": "terraform_data.baz",
    "mode": "managed",
    "type": "terraform_data",
    "name": "baz",
    "provider_name": "terraform.io/builtin/terraform",
    "schema_version": 0,
    "values": {{
      "id": "{id}",
      "input": {{
        "list": [
          "a",
          "b"
        ],
        "name": "seed"
      }},
      "output": {{
        "list": [
          "a",
          "b"
        ],
        "name": "seed"
      }},
      "triggers_replace": null
    }},
    "sensitive_values": {{
      "input": {{
        "list": [
          false,
          false
        ]
      }},
      "output": {{
        "list": [
          false,
          false
        ]
      }}
    }},
    "depends_on": [
      "terraform_data.bar"
    ]
  }},
  "diagnostics": []
}}
"#
        )
    );
}

#[test]
fn state_show_json_keeps_sensitive_values_hidden() {
    let stack = applied();
    let password = attribute(&stack, "random_password.db", "result");
    let hash = attribute(&stack, "random_password.db", "bcrypt_hash");
    let shown = infra(&stack, None, &["state", "show", "-json", "random_password.db"]).ok();
    assert!(!shown.all().contains(&password), "the password is printed:\n{}", shown.all());
    assert!(!shown.all().contains(&hash), "the hash is printed:\n{}", shown.all());
    let document: serde_json::Value = serde_json::from_str(&shown.stdout).expect("JSON");
    let resource = &document["resource"];
    assert_eq!(
        resource["sensitive_values"],
        serde_json::json!({"bcrypt_hash": true, "result": true}),
        "{resource}"
    );
    assert!(resource["values"]["result"].is_null(), "{resource}");
    assert!(resource["values"]["bcrypt_hash"].is_null(), "{resource}");
    assert_eq!(resource["values"]["length"], 16, "{resource}");
    assert_eq!(resource["provider_name"], "registry.terraform.io/hashicorp/random", "{resource}");
    assert_eq!(document["diagnostics"], serde_json::json!([]));

    // The same object in `show -json`, which prints it with the same code.
    let all = infra(&stack, None, &["show", "-json"]).ok();
    assert!(!all.stdout.contains(&password), "{}", all.stdout);
    let state: serde_json::Value = serde_json::from_str(&all.stdout).expect("JSON");
    let listed = state["values"]["root_module"]["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["address"] == "random_password.db")
        .expect("random_password.db in show -json");
    assert_eq!(listed, resource);
}

/// The document Terraform's `ShowJSON.DisplayResourceInstanceState` prints for an error: an
/// empty resource and the error as a diagnostic whose summary is the whole message.
fn error_document(summary: &str) -> String {
    format!(
        "{{\n  \"format_version\": \"1.0\",\n  \"resource\": {{\n    \"provider_name\": \"\",\n    \"schema_version\": 0\n  }},\n  \"diagnostics\": [\n    {{\n      \"severity\": \"error\",\n      \"summary\": {},\n      \"detail\": \"\"\n    }}\n  ]\n}}\n",
        serde_json::to_string(summary).unwrap()
    )
}

#[test]
fn state_show_json_errors_are_diagnostics() {
    let stack = Stack::new();
    stack.write("main.tf", STATE_CONFIG);

    // TestStateShow_noState.
    let none =
        infra(&stack, None, &["state", "show", "-json", "terraform_data.bar"]).expect_code(1);
    assert_eq!(
        none.stdout,
        error_document(
            "No state file was found!\n\nState management commands require a state file. Run this command\nin a directory where infra has been run or use the -state flag\nto point the command to a specific state location."
        )
    );

    // TestStateShow_emptyState: an address with no instance.
    infra(&stack, None, &["apply", "-auto-approve", "-input=false"]).ok();
    let missing =
        infra(&stack, None, &["state", "show", "-json", "terraform_data.missing"]).expect_code(1);
    assert_eq!(
        missing.stdout,
        error_document(
            "No instance found for the given address!\n\nThis command requires that the address references one specific instance.\nTo view the available instances, use \"infra state list\". Please modify\nthe address to reference a specific instance."
        )
    );
    // A resource with count has no instance without a key.
    let unkeyed =
        infra(&stack, None, &["state", "show", "-json", "null_resource.n"]).expect_code(1);
    assert_contains(&unkeyed.stdout, "No instance found for the given address!");

    // The text form is unchanged.
    let text = infra(&stack, None, &["state", "show", "terraform_data.bar"]).ok();
    assert!(text.stdout.starts_with("# terraform_data.bar:\n"), "{}", text.stdout);
}
