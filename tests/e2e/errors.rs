//! Bad input: every case exits 1 with a located message, never panics, and leaves the state
//! exactly as it was. None of these runs reaches AWS (the endpoint points at a closed port).

use infra_testkit::Stack;

use super::{assert_contains, infra};

const VPC: &str = "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n";

struct Case {
    name: &'static str,
    main_tf: &'static str,
    args: &'static [&'static str],
    /// Text the error must contain.
    expect: &'static str,
    /// `main.tf:LINE:` when the error belongs to a place in the source.
    location: Option<&'static str>,
}

const CASES: &[Case] = &[
    Case { name: "unclosed brace", main_tf: "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n", args: &[], expect: "Error", location: Some("main.tf:") },
    Case { name: "unknown attribute", main_tf: "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n  colour     = \"red\"\n}\n", args: &[], expect: "colour", location: Some("main.tf:3:") },
    Case { name: "missing required attribute", main_tf: "resource \"aws_vpc\" \"main\" {\n  enable_dns_support = true\n}\n", args: &[], expect: "cidr_block", location: Some("main.tf:1:") },
    Case { name: "unknown resource type", main_tf: "resource \"aws_vpcx\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n", args: &[], expect: "aws_vpcx", location: Some("main.tf:1:") },
    Case { name: "unknown function", main_tf: "resource \"aws_vpc\" \"main\" {\n  cidr_block = frobnicate(\"10.0.0.0/16\")\n}\n", args: &[], expect: "frobnicate", location: Some("main.tf:2:") },
    Case { name: "undeclared reference", main_tf: "resource \"aws_subnet\" \"a\" {\n  vpc_id     = aws_vpc.nope.id\n  cidr_block = \"10.0.1.0/24\"\n}\n", args: &[], expect: "aws_vpc.nope", location: Some("main.tf:2:") },
    Case { name: "cycle", main_tf: "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n  tags = { peer = aws_vpc.b.id }\n}\nresource \"aws_vpc\" \"b\" {\n  cidr_block = \"10.1.0.0/16\"\n  tags = { peer = aws_vpc.a.id }\n}\n", args: &[], expect: "aws_vpc.a", location: None },
    Case { name: "an argument infra does not support yet", main_tf: "resource \"aws_subnet\" \"main\" {\n  vpc_id             = \"vpc-1\"\n  cidr_block         = \"10.0.1.0/24\"\n  ipv4_ipam_pool_id  = \"ipam-pool-1\"\n}\n", args: &[], expect: "infra does not support \"ipv4_ipam_pool_id\" of aws_subnet yet", location: Some("main.tf:4:") },
    Case { name: "a block infra does not support yet", main_tf: "resource \"aws_route53_record\" \"www\" {\n  zone_id        = \"Z123\"\n  name           = \"www\"\n  type           = \"A\"\n  set_identifier = \"eu\"\n  records        = [\"192.0.2.1\"]\n  ttl            = 60\n  geoproximity_routing_policy {\n    aws_region = \"eu-west-1\"\n  }\n}\n", args: &[], expect: "infra does not support \"geoproximity_routing_policy\" of aws_route53_record yet", location: Some("main.tf:8:") },
    Case { name: "bad CIDR", main_tf: "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/33\"\n}\n", args: &[], expect: "10.0.0.0/33", location: Some("main.tf:2:") },
    Case { name: "missing variable", main_tf: "variable \"cidr\" {\n  type = string\n}\nresource \"aws_vpc\" \"main\" {\n  cidr_block = var.cidr\n}\n", args: &["-input=false"], expect: "cidr", location: Some("main.tf:1:") },
    Case { name: "non-numeric count", main_tf: "resource \"aws_vpc\" \"main\" {\n  count      = \"two\"\n  cidr_block = \"10.0.0.0/16\"\n}\n", args: &[], expect: "count", location: Some("main.tf:2:") },
    Case { name: "duplicate resource", main_tf: "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\nresource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.1.0.0/16\"\n}\n", args: &[], expect: "already declared at main.tf:1", location: Some("main.tf:4:") },
    Case { name: "duplicate variable", main_tf: "variable \"x\" {\n  default = 1\n}\nvariable \"x\" {\n  default = 2\n}\n", args: &[], expect: "\"x\"", location: Some("main.tf:4:") },
    Case { name: "redefined attribute", main_tf: "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n  cidr_block = \"10.1.0.0/16\"\n}\n", args: &[], expect: "cidr_block", location: Some("main.tf:3:") },
    Case { name: "for_each over a list", main_tf: "resource \"aws_vpc\" \"main\" {\n  for_each   = [\"a\", \"b\"]\n  cidr_block = \"10.0.0.0/16\"\n}\n", args: &[], expect: "for_each", location: Some("main.tf:2:") },
    Case { name: "failed validation", main_tf: "variable \"env\" {\n  type    = string\n  default = \"qa\"\n  validation {\n    condition     = contains([\"dev\", \"prod\"], var.env)\n    error_message = \"env must be dev or prod.\"\n  }\n}\n", args: &[], expect: "env must be dev or prod.", location: Some("main.tf:5:") },
    Case { name: "sensitive output not marked", main_tf: "variable \"password\" {\n  type      = string\n  default   = \"hunter2\"\n  sensitive = true\n}\noutput \"password\" {\n  value = var.password\n}\n", args: &[], expect: "sensitive", location: Some("main.tf:") },
    Case { name: "index out of range", main_tf: "locals {\n  cidrs = [\"10.0.0.0/16\"]\n}\nresource \"aws_vpc\" \"main\" {\n  cidr_block = local.cidrs[3]\n}\n", args: &[], expect: "ndex", location: Some("main.tf:5:") },
    Case { name: "unterminated heredoc", main_tf: "locals {\n  text = <<EOT\nhello\n}\n", args: &[], expect: "Error", location: Some("main.tf:") },
    Case { name: "missing var-file", main_tf: VPC, args: &["-var-file=nope.tfvars"], expect: "nope.tfvars", location: None },
];

#[test]
fn every_bad_configuration_is_located_and_changes_nothing() {
    let mut failures = Vec::new();
    for case in CASES {
        let stack = Stack::new();
        stack.write("main.tf", case.main_tf);
        let mut args = vec!["plan"];
        args.extend_from_slice(case.args);
        let run = infra(&stack, None, &args);
        let problems: Vec<String> = [
            (run.code != 1).then(|| format!("exit code {}", run.code)),
            (!run.stderr.contains(case.expect)).then(|| format!("stderr lacks {:?}", case.expect)),
            case.location
                .filter(|l| !run.stderr.contains(l))
                .map(|l| format!("stderr lacks location {l:?}")),
            run.all().contains("panicked").then(|| "panicked".to_string()),
            stack
                .path()
                .join("terraform.tfstate")
                .exists()
                .then(|| "wrote a state file".to_string()),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {}\n--- stderr\n{}",
                case.name,
                problems.join(", "),
                run.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{} cases failed:\n\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn a_corrupt_or_newer_state_file_is_refused_and_kept() {
    for (name, contents, expect) in [
        ("corrupt", "{ this is not json", "not valid JSON"),
        ("newer", "{\"version\": 99, \"serial\": 1, \"lineage\": \"x\", \"resources\": []}", "99"),
    ] {
        let stack = Stack::new();
        stack.write("main.tf", VPC);
        stack.write("terraform.tfstate", contents);
        let run = infra(&stack, None, &["plan", "-input=false"]);
        assert_eq!(run.code, 1, "{name}: {}", run.all());
        assert!(run.stderr.contains(expect), "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains("terraform.tfstate"),
            "{name}: the message names the file: {}",
            run.stderr
        );
        assert_eq!(stack.read("terraform.tfstate"), contents, "{name}: the state file was changed");
        let apply = infra(&stack, None, &["apply", "-input=false", "-auto-approve"]);
        assert_eq!(apply.code, 1, "{name}");
        assert_eq!(
            stack.read("terraform.tfstate"),
            contents,
            "{name}: apply changed the state file"
        );
    }
}

#[test]
fn validate_accepts_a_good_configuration_and_needs_no_aws() {
    let stack = Stack::from_fixture("tests/fixtures/network");
    let run = infra(&stack, None, &["validate"]).ok();
    assert_contains(&run.stdout, "Success");
}

#[test]
fn validate_json_is_terraforms_validate_document() {
    let stack = Stack::from_fixture("tests/fixtures/network");
    let run = infra(&stack, None, &["validate", "-json"]).ok();
    let document: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    assert_eq!(document["format_version"], "1.0");
    assert_eq!(document["valid"], true);
    assert_eq!(document["error_count"], 0);

    let stack = Stack::new();
    let source = "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n  colour     = \"blue\"\n}\n\nresource \"aws_nothing\" \"x\" {}\n";
    stack.write("main.tf", source);
    let run = infra(&stack, None, &["validate", "-json"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stderr.is_empty(), "nothing but the document: {}", run.stderr);
    let document: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    assert_eq!(document["valid"], false);
    assert_eq!(document["error_count"], 2, "{document:#}");
    assert_eq!(document["warning_count"], 0);
    let diagnostics = document["diagnostics"].as_array().expect("diagnostics");
    let summaries: Vec<&str> = diagnostics.iter().filter_map(|d| d["summary"].as_str()).collect();
    assert!(
        summaries.contains(&"Unsupported argument") && summaries.contains(&"Invalid resource type"),
        "{summaries:?}"
    );
    for diagnostic in diagnostics {
        assert_eq!(diagnostic["severity"], "error");
        let range = &diagnostic["range"];
        assert_eq!(range["filename"], "main.tf", "{diagnostic:#}");
        let (line, column, byte) = (
            range["start"]["line"].as_u64().unwrap_or(0) as usize,
            range["start"]["column"].as_u64().unwrap_or(0) as usize,
            range["start"]["byte"].as_u64().unwrap_or(0) as usize,
        );
        // The byte offset points at the same place as the line and column.
        let line_start: usize = source.split_inclusive('\n').take(line - 1).map(str::len).sum();
        assert_eq!(byte, line_start + column - 1, "{diagnostic:#}");
        assert_eq!(
            diagnostic["snippet"]["code"],
            source.lines().nth(line - 1).unwrap_or_default(),
            "{diagnostic:#}"
        );
    }
}
