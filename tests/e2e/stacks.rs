//! The reference stack (`infrastructure/` with each env file) and every example under
//! `examples/`: each is applied, planned again to "No changes", and destroyed, after which the
//! emulator holds nothing that infra made.

use infra_testkit::{Moto, Run, Stack};

use super::{
    assert_contains, command_with_password, emulator_objects, files_holding, infra_with_password,
};

const PASSWORD: &str = "stack-test-password-9f2c";

/// Runs `infra` with `command` followed by `variables`.
fn run_with(stack: &Stack, moto: &Moto, command: &[&str], variables: &[&str]) -> Run {
    let args: Vec<&str> = command.iter().chain(variables).copied().collect();
    infra_with_password(stack, moto, PASSWORD, &args)
}

/// Applies (with trace-level logs to a file), then plans again and expects "No changes"; no
/// file infra wrote holds the database password.
fn apply_and_plan_clean(stack: &Stack, moto: &Moto, variables: &[&str]) {
    let log = stack.path().join("infra-trace.log");
    let mut apply = command_with_password(stack, moto, PASSWORD);
    apply
        .env("INFRA_LOG", "trace")
        .env("INFRA_LOG_PATH", &log)
        .args(["apply", "-input=false", "-auto-approve"])
        .args(variables);
    let applied = infra_testkit::run(apply, &[]).ok();
    assert!(applied.stdout.contains("Apply complete!"), "{}", applied.all());
    assert!(emulator_objects(moto).len() > 1, "the apply made nothing in the emulator");
    let plan = run_with(stack, moto, &["plan", "-input=false", "-detailed-exitcode"], variables);
    assert_eq!(plan.code, 0, "a plan right after apply: {}", plan.all());
    assert!(
        plan.stdout.contains("No changes. Your infrastructure matches the configuration."),
        "{}",
        plan.all()
    );
    assert!(
        !plan.all().contains(PASSWORD) && !applied.all().contains(PASSWORD),
        "the database password was printed"
    );
    // The password is write-only (`password_wo`, `secret_string_wo`): the state, its backup,
    // a plan file and the trace log never hold it.
    run_with(stack, moto, &["plan", "-input=false", "-out=saved.tfplan"], variables).ok();
    assert!(std::fs::metadata(&log).is_ok_and(|m| m.len() > 0), "no trace log");
    let holding = files_holding(stack.path(), PASSWORD);
    assert!(holding.is_empty(), "files holding the password: {holding:?}");
}

/// Destroys, and expects nothing left in the emulator or the state.
fn destroy_clean(stack: &Stack, moto: &Moto, variables: &[&str]) {
    let destroyed =
        run_with(stack, moto, &["destroy", "-input=false", "-auto-approve"], variables).ok();
    assert!(destroyed.stdout.contains("Destroy complete!"), "{}", destroyed.all());
    assert_eq!(emulator_objects(moto), Vec::<String>::new(), "left after destroy");
    let state: serde_json::Value = stack.state();
    assert!(
        state["resources"].as_array().is_none_or(|r| r.is_empty()),
        "the state still lists resources: {}",
        state["resources"]
    );
}

fn apply_plan_destroy(stack: &Stack, moto: &Moto, variables: &[&str]) {
    apply_and_plan_clean(stack, moto, variables);
    destroy_clean(stack, moto, variables);
}

fn reference_stack(environment: &str) {
    let moto = Moto::start();
    let stack = Stack::from_fixture("infrastructure");
    let var_file = format!("-var-file=envs/{environment}.tfvars");
    apply_plan_destroy(&stack, &moto, &[&var_file]);
}

/// Every resource type of the reference stack that can be replaced is replaced in one apply
/// (a new VPC CIDR and a new project name), which must then plan clean and destroy clean.
#[test]
fn reference_stack_dev_applies_replaces_every_type_and_destroys() {
    let moto = Moto::start();
    let stack = Stack::from_fixture("infrastructure");
    apply_and_plan_clean(&stack, &moto, &["-var-file=envs/dev.tfvars"]);

    let renamed = ["-var-file=envs/dev.tfvars", "-var=vpc_cidr=10.11.0.0/16", "-var=project=shop2"];
    let plan = run_with(&stack, &moto, &["plan", "-input=false"], &renamed).ok();
    for address in [
        "aws_vpc.main",
        "aws_subnet.public[0]",
        "aws_subnet.private[1]",
        "aws_nat_gateway.main",
        "aws_route_table.public",
        "aws_route.private_nat",
        "aws_route_table_association.private[0]",
        "aws_security_group.alb",
        "aws_security_group_rule.db_from_tasks",
        "aws_vpc_security_group_ingress_rule.tasks_from_alb",
        "aws_vpc_security_group_egress_rule.alb_to_tasks",
        "aws_lb.main",
        "aws_s3_bucket.alb_logs",
        "aws_s3_bucket_policy.alb_logs",
        "aws_lb_target_group.blue",
        "aws_lb_listener.http",
        "aws_lb_listener.https",
        "aws_ecr_repository.app",
        "aws_ecr_lifecycle_policy.app",
        "aws_secretsmanager_secret.db_password",
        "aws_secretsmanager_secret_version.db_password",
        "aws_iam_role_policy.read_db_password",
        "aws_lb_listener_rule.block_internal",
        "aws_ecs_cluster.main",
        "aws_ecs_task_definition.app",
        "aws_ecs_service.app",
        "aws_db_subnet_group.main",
        "aws_db_instance.main",
        "aws_iam_role.execution",
        "aws_iam_role_policy_attachment.execution",
        "aws_cloudwatch_log_group.app",
    ] {
        assert!(
            plan.stdout.contains(&format!("# {address} must be replaced")),
            "{address} is not replaced:\n{}",
            plan.stdout
        );
    }
    assert_contains(&plan.stdout, "# aws_internet_gateway.main will be updated in-place");
    apply_and_plan_clean(&stack, &moto, &renamed);
    let objects = emulator_objects(&moto);
    assert!(
        objects.iter().any(|o| o == "db_instance shop2-dev")
            && !objects.iter().any(|o| o.contains("shop-dev")),
        "the old objects are gone and the new ones exist: {objects:?}"
    );
    destroy_clean(&stack, &moto, &renamed);
}

#[test]
fn reference_stack_staging_applies_plans_clean_and_destroys() {
    reference_stack("staging");
}

#[test]
fn reference_stack_prod_is_protected_until_protection_is_lifted() {
    let moto = Moto::start();
    let stack = Stack::from_fixture("infrastructure");
    let prod = ["-var-file=envs/prod.tfvars"];
    apply_and_plan_clean(&stack, &moto, &prod);
    // Production has deletion protection: the destroy stops at the database, exit 1.
    let refused = run_with(&stack, &moto, &["destroy", "-input=false", "-auto-approve"], &prod);
    assert_eq!(refused.code, 1, "{}", refused.all());
    assert!(
        refused.all().contains("aws_db_instance.main"),
        "the error names the database: {}",
        refused.all()
    );
    assert!(
        emulator_objects(&moto).iter().any(|l| l == "db_instance shop-prod"),
        "the protected database is gone"
    );
    // Lifting the protection is an ordinary apply (it also puts back what the failed destroy
    // removed); then the destroy goes through.
    let lifted = [prod[0], "-var=deletion_protection=false"];
    apply_and_plan_clean(&stack, &moto, &lifted);
    destroy_clean(&stack, &moto, &lifted);
}

#[test]
fn example_network() {
    let moto = Moto::start();
    apply_plan_destroy(&Stack::from_fixture("examples/network"), &moto, &[]);
}

#[test]
fn example_alb_ecs_rolling() {
    let moto = Moto::start();
    apply_plan_destroy(&Stack::from_fixture("examples/alb-ecs-rolling"), &moto, &[]);
}

#[test]
fn example_rds() {
    let moto = Moto::start();
    apply_plan_destroy(&Stack::from_fixture("examples/rds"), &moto, &[]);
}

#[test]
fn example_module() {
    let moto = Moto::start();
    apply_plan_destroy(&Stack::from_fixture("examples/module"), &moto, &[]);
}

#[test]
fn example_blue_green() {
    let moto = Moto::start();
    apply_plan_destroy(&Stack::from_fixture("examples/blue-green"), &moto, &[]);
}

#[test]
fn example_s3_backend() {
    let moto = Moto::start();
    moto.python("import boto3\nboto3.client('s3').create_bucket(Bucket='infra-example-state')");
    let stack = Stack::from_fixture("examples/s3-backend");
    infra_with_password(&stack, &moto, PASSWORD, &["init", "-input=false"]).ok();
    apply_plan_destroy(&stack, &moto, &[]);
    assert_eq!(stack.read("terraform.tfstate"), "", "the S3 backend wrote a local state file");
}

/// The import ID the Terraform AWS provider documents for an object of the reference stack,
/// from its attributes in the state.
fn terraform_import_id(resource_type: &str, values: &serde_json::Value) -> String {
    let text = |name: &str| values[name].as_str().unwrap_or_default().to_string();
    let number = |name: &str| match &values[name] {
        serde_json::Value::Number(n) => n.to_string(),
        other => other.as_str().unwrap_or_default().to_string(),
    };
    match resource_type {
        "aws_db_instance" => text("identifier"),
        "aws_ecs_cluster" => text("name"),
        "aws_ecs_service" => {
            let cluster = text("cluster");
            let cluster = cluster.rsplit('/').next().unwrap_or_default();
            format!("{cluster}/{}", text("name"))
        }
        "aws_route" => format!("{}_{}", text("route_table_id"), text("destination_cidr_block")),
        "aws_route_table_association" => {
            format!("{}/{}", text("subnet_id"), text("route_table_id"))
        }
        "aws_iam_role_policy_attachment" => format!("{}/{}", text("role"), text("policy_arn")),
        "aws_appautoscaling_target" => format!(
            "{}/{}/{}",
            text("service_namespace"),
            text("resource_id"),
            text("scalable_dimension")
        ),
        "aws_appautoscaling_policy" => format!(
            "{}/{}/{}/{}",
            text("service_namespace"),
            text("resource_id"),
            text("scalable_dimension"),
            text("name")
        ),
        "aws_security_group_rule" => {
            let source = match values["cidr_blocks"].as_array() {
                Some(cidrs) if !cidrs.is_empty() => {
                    cidrs.iter().filter_map(|c| c.as_str()).collect::<Vec<_>>().join("_")
                }
                _ if values["self"] == serde_json::Value::Bool(true) => "self".to_string(),
                _ => text("source_security_group_id"),
            };
            format!(
                "{}_{}_{}_{}_{}_{}",
                text("security_group_id"),
                text("type"),
                text("protocol"),
                number("from_port"),
                number("to_port"),
                source
            )
        }
        _ => text("id"),
    }
}

#[test]
fn every_type_of_the_reference_stack_imports_by_its_terraform_id() {
    let moto = Moto::start();
    let stack = Stack::from_fixture("infrastructure");
    let variables = ["-var-file=envs/dev.tfvars"];
    apply_and_plan_clean(&stack, &moto, &variables);
    // The state infra wrote is Terraform's, with the provider's attributes for every type.
    let written: serde_json::Value =
        serde_json::from_str(&stack.read("terraform.tfstate")).expect("state JSON");
    super::terraform_state::assert_is_the_providers(&written);
    let state: serde_json::Value = stack.state();
    let deployments = state["deployments"].as_object().cloned().unwrap_or_default();
    let mut failures = Vec::new();
    let mut imported = std::collections::BTreeSet::new();
    for resource in state["resources"].as_array().expect("resources") {
        let address = resource["address"].as_str().unwrap_or_default();
        let resource_type = resource["type"].as_str().unwrap_or_default();
        // A blue/green service is a pair of ECS services plus runtime state: not one object.
        // A certificate validation is a wait, not an object; the provider has no import for it.
        if resource["mode"] != "managed"
            || deployments.contains_key(address)
            || resource_type == "aws_acm_certificate_validation"
        {
            continue;
        }
        let id = terraform_import_id(resource_type, &resource["attributes"]);
        run_with(&stack, &moto, &["state", "rm", address], &[]).ok();
        let import = run_with(&stack, &moto, &["import", "-input=false", address, &id], &variables);
        if import.code != 0 {
            failures.push(format!("{resource_type} ({address}, id {id}): {}", import.all()));
        } else {
            imported.insert(resource_type.to_string());
        }
    }
    assert!(failures.is_empty(), "imports failed:\n{}", failures.join("\n"));
    assert!(imported.len() >= 20, "only these types were imported: {imported:?}");
    // As in Terraform, an import reads only what AWS reports. Arguments that are
    // configuration only take the provider's import defaults, so each of these objects plans
    // one in-place update, and applying it settles them:
    // - the RDS master password is never read back (password_wo_version is configuration
    //   only), and skip_final_snapshot is false;
    // - force_delete, force_destroy, allow_overwrite are false, recovery_window_in_days 30;
    // - the policy documents that name the secret and the log bucket are read again during
    //   that apply (each depends on a resource with a pending change), so the policies' texts
    //   are unknown until then.
    // The secret version is replaced: its value was written through `secret_string_wo`, and
    // an import reads `secret_string` back and no `secret_string_wo_version`; either forces a
    // new version, as both do in the provider's schema.
    let plan = run_with(&stack, &moto, &["plan", "-input=false"], &variables).ok();
    let updated = [
        "aws_db_instance.main",
        "aws_ecr_repository.app",
        "aws_route53_zone.main",
        "aws_route53_record.certificate_validation[\"dev.shop.example.com\"]",
        "aws_route53_record.certificate_validation[\"www.dev.shop.example.com\"]",
        "aws_secretsmanager_secret.db_password",
        "aws_iam_role_policy.read_db_password",
        "aws_s3_bucket.alb_logs",
        "aws_s3_bucket_policy.alb_logs",
    ];
    assert!(
        plan.stdout
            .contains(&format!("Plan: 1 to add, {} to change, 1 to destroy.", updated.len())),
        "after importing every object: {}",
        plan.all()
    );
    for address in updated {
        assert!(
            plan.stdout.contains(&format!("# {address} will be updated in-place")),
            "{address}: {}",
            plan.stdout
        );
    }
    run_with(&stack, &moto, &["apply", "-input=false", "-auto-approve"], &variables).ok();
    let plan = run_with(&stack, &moto, &["plan", "-input=false", "-detailed-exitcode"], &variables);
    assert_eq!(plan.code, 0, "after importing and applying: {}", plan.all());
}
