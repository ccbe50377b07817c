//! `aws_ecs_task_set` against moto (issue 36): a task set of an `EXTERNAL`-controller service
//! is created with its load balancer and network, reads back clean, changes `scale` in place,
//! is replaced when its task definition changes, imports by `TASK_SET_ID,SERVICE,CLUSTER`,
//! and is deleted with the stack.
//!
//! The service asks for no tasks: moto 5.2.5 starts a task set's tasks in CreateTaskSet and
//! fails (an awsvpc task's network interface has no `private_dns_name`; an EC2 task finds no
//! container instance) after storing the task set, so each of the SDK's retries of that 500
//! made another one (moto ignores CreateTaskSet's `clientToken`, which AWS honours).

use infra_testkit::{Moto, Stack};

use super::{
    apply_ok, assert_contains, infra, plan_is_clean, python_sorted_lines, reimport, state_id,
    NO_VARS,
};

const TASK_SET: &str = r#"
variable "scale" {
  type    = number
  default = 50
}

variable "image" {
  type    = string
  default = "nginx:1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.20.1.0/24"
}

resource "aws_security_group" "tasks" {
  name   = "task-set-tasks"
  vpc_id = aws_vpc.main.id
}

resource "aws_lb_target_group" "blue" {
  name        = "task-set-blue"
  port        = 80
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = aws_vpc.main.id
}

resource "aws_ecs_cluster" "main" {
  name = "task-sets"
}

resource "aws_ecs_task_definition" "app" {
  family                   = "task-set-app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  container_definitions = jsonencode([{
    name         = "app"
    image        = var.image
    essential    = true
    memory       = 512
    portMappings = [{ containerPort = 80 }]
  }])
}

resource "aws_ecs_service" "app" {
  name          = "task-set-app"
  cluster       = aws_ecs_cluster.main.id
  desired_count = 0

  deployment_controller {
    type = "EXTERNAL"
  }
}

resource "aws_ecs_task_set" "blue" {
  service         = aws_ecs_service.app.id
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  external_id     = "blue"
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.blue.arn
    container_name   = "app"
    container_port   = 80
  }

  network_configuration {
    subnets         = [aws_subnet.a.id]
    security_groups = [aws_security_group.tasks.id]
  }

  scale {
    value = var.scale
  }

  tags = { Colour = "blue" }
}
"#;

fn task_sets(moto: &Moto) -> Vec<String> {
    python_sorted_lines(moto, "import boto3\nfor s in boto3.client('ecs').describe_task_sets(cluster='task-sets', service='task-set-app')['taskSets']:\n    print(s['id'], s['scale']['value'], s['taskDefinition'].rsplit('/', 1)[-1])",)
}

#[test]
fn a_task_set_is_created_scaled_replaced_imported_and_deleted() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", TASK_SET);
    apply_ok(&stack, &moto, NO_VARS);
    let id = state_id(&stack, "aws_ecs_task_set.blue");
    let parts: Vec<&str> = id.split(',').collect();
    assert_eq!(parts.len(), 3, "TASK_SET_ID,SERVICE,CLUSTER: {id}");
    assert!(parts[1].ends_with(":service/task-sets/task-set-app"), "{id}");
    assert!(parts[2].ends_with(":cluster/task-sets"), "{id}");
    let first = parts[0].to_string();
    assert_eq!(task_sets(&moto), [format!("{first} 50.0 task-set-app:1")]);
    plan_is_clean(&stack, &moto, NO_VARS, "after the create");

    // `scale` changes in place: the same task set.
    let scaled = ["-var", "scale=100"];
    let plan = infra(&stack, Some(&moto), &["plan", "-input=false", "-var", "scale=100"]).ok();
    assert_contains(&plan.stdout, "# aws_ecs_task_set.blue will be updated in-place");
    apply_ok(&stack, &moto, &scaled);
    assert_eq!(task_sets(&moto), [format!("{first} 100.0 task-set-app:1")]);
    plan_is_clean(&stack, &moto, &scaled, "after the scale");

    // A new task definition is a new task set.
    let replaced = ["-var", "scale=100", "-var", "image=nginx:2"];
    let plan = infra(
        &stack,
        Some(&moto),
        &["plan", "-input=false", "-var", "scale=100", "-var", "image=nginx:2"],
    )
    .ok();
    assert_contains(&plan.stdout, "# aws_ecs_task_set.blue must be replaced");
    apply_ok(&stack, &moto, &replaced);
    let sets = task_sets(&moto);
    assert_eq!(sets.len(), 1, "{sets:?}");
    assert!(!sets[0].starts_with(&first) && sets[0].ends_with("100.0 task-set-app:2"), "{sets:?}");
    plan_is_clean(&stack, &moto, &replaced, "after the replacement");

    let id = state_id(&stack, "aws_ecs_task_set.blue");
    reimport(&stack, &moto, &replaced, &[("aws_ecs_task_set.blue", &id)]);
    plan_is_clean(&stack, &moto, &replaced, "after the import");
    let mut destroy = vec!["destroy", "-input=false", "-auto-approve"];
    destroy.extend(replaced);
    let mut only_the_task_set = destroy.clone();
    only_the_task_set.push("-target=aws_ecs_task_set.blue");
    infra(&stack, Some(&moto), &only_the_task_set).ok();
    assert!(task_sets(&moto).is_empty(), "the task set is deleted");
    infra(&stack, Some(&moto), &destroy).ok();
}
