//! Older majors of the public vpc module, vendored unchanged, which stacks still pin: each
//! validates as its own example calls it (tests/fixtures/vpc_module_v2, vpc_module_v5). The
//! current major is applied end to end in `public_modules`.

use infra_testkit::Stack;

use super::infra;

/// `infra validate` in a copy of `fixture`: exit 0 and the configuration valid.
fn validated(fixture: &str) -> String {
    let stack = Stack::from_fixture(fixture);
    let validate = infra(&stack, None, &["validate"]);
    let all = validate.all();
    assert_eq!(validate.code, 0, "{all}");
    assert!(all.contains("The configuration is valid"), "{all}");
    all
}

/// vpc 2.78.0, the last 2.x, sets the ClassicLink arguments that provider 5.0 removed, to
/// null: one warning at each of its three lines, each named as Terraform names it (the
/// module's directory, no `./`), and valid.
#[test]
fn the_vpc_module_2x_validates_with_a_warning_at_each_removed_argument() {
    let all = validated("tests/fixtures/vpc_module_v2");
    assert_eq!(all.matches("Warning: Argument removed by the provider").count(), 3, "{all}");
    for line in [
        "on modules/terraform-aws-vpc/main.tf:36:3, in module.vpc.aws_vpc.this",
        "on modules/terraform-aws-vpc/main.tf:37:3, in module.vpc.aws_vpc.this",
        "on modules/terraform-aws-vpc/main.tf:1286:3, in module.vpc.aws_default_vpc.this",
    ] {
        assert!(all.contains(line), "no warning at {line}:\n{all}");
    }
}

/// vpc 5.21.0, the last 5.x: valid, with nothing to warn of.
#[test]
fn the_vpc_module_5x_validates_without_a_warning() {
    let all = validated("tests/fixtures/vpc_module_v5");
    assert!(!all.contains("Warning"), "{all}");
}
