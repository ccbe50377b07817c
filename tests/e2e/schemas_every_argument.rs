//! Every argument the emulator can hold, set on the original types that
//! `schemas_network.rs` does not cover: NAT gateways (public and private), route tables with
//! inline routes, routes, route table associations (subnet and gateway edge), security group
//! rules of every source kind, the VPC security group rule types, log groups (named and
//! prefixed, both classes), IAM roles (path, boundary, session duration, prefix) and policy
//! attachments, DB subnet groups, a DB instance with every setting moto keeps, an ECS cluster
//! with execute-command logging, a task definition with ephemeral storage, runtime platform and
//! volumes, and a rolling ECS service behind a listener. Apply, then a plan shows "No changes";
//! an in-place change of tags, retention, desired count and backup retention across the types
//! applies and plans clean again; destroy leaves the emulator empty.
//!
//! Left out because moto cannot hold them (listed in README and in each type's doc comment):
//! `aws_nat_gateway.private_ip` (moto picks its own), `aws_ecs_service.enable_ecs_managed_tags`
//! and `enable_execute_command` (moto does not return them).

use infra_testkit::{Moto, Stack};

use super::{assert_contains, emulator_objects, infra};

const STACK: &str = r#"
variable "retention" {
  type    = number
  default = 30
}

variable "team" {
  type    = string
  default = "web"
}

variable "desired_count" {
  type    = number
  default = 2
}

variable "backup_retention_period" {
  type    = number
  default = 7
}

resource "aws_vpc" "main" {
  cidr_block = "10.50.0.0/16"
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
  tags = {
    Name = "schemas"
    Team = var.team
  }
}

resource "aws_subnet" "public" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone = ["us-east-1a", "us-east-1b"][count.index]
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "public" {
  allocation_id     = aws_eip.nat.id
  subnet_id         = aws_subnet.public[0].id
  connectivity_type = "public"
  tags = {
    Name = "schemas"
    Team = var.team
  }
  depends_on = [aws_internet_gateway.main]
}

resource "aws_nat_gateway" "private" {
  subnet_id         = aws_subnet.public[1].id
  connectivity_type = "private"
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
  route {
    ipv6_cidr_block = "::/0"
    gateway_id      = aws_internet_gateway.main.id
  }
  tags = {
    Name = "public"
  }
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route" "private_nat" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.public.id
}

resource "aws_route" "private_peer" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "192.168.0.0/16"
  nat_gateway_id         = aws_nat_gateway.private.id
}

resource "aws_route_table_association" "public" {
  count          = 2
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "gateway" {
  gateway_id     = aws_internet_gateway.main.id
  route_table_id = aws_route_table.private.id
}

resource "aws_security_group" "app" {
  name        = "schemas-app"
  description = "app"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group" "db" {
  name_prefix = "schemas-db-"
  description = "db"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group_rule" "cidrs" {
  type              = "ingress"
  security_group_id = aws_security_group.app.id
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/8", "172.16.0.0/12"]
  ipv6_cidr_blocks  = ["2001:db8::/32"]
  description       = "TLS from the corporate ranges"
}

resource "aws_security_group_rule" "self" {
  type              = "ingress"
  security_group_id = aws_security_group.app.id
  from_port         = 0
  to_port           = 65535
  protocol          = "tcp"
  self              = true
}

resource "aws_security_group_rule" "db_from_app" {
  type                     = "ingress"
  security_group_id        = aws_security_group.db.id
  from_port                = 5432
  to_port                  = 5432
  protocol                 = "tcp"
  source_security_group_id = aws_security_group.app.id
  description              = "Postgres from the app"
}

resource "aws_security_group_rule" "egress_all" {
  type              = "egress"
  security_group_id = aws_security_group.db.id
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_vpc_security_group_ingress_rule" "https_v4" {
  security_group_id = aws_security_group.app.id
  cidr_ipv4         = "0.0.0.0/0"
  from_port         = 8443
  to_port           = 8443
  ip_protocol       = "tcp"
  description       = "alternate TLS"
  tags = {
    Name = "https-v4"
  }
}

resource "aws_vpc_security_group_ingress_rule" "https_v6" {
  security_group_id = aws_security_group.app.id
  cidr_ipv6         = "::/0"
  from_port         = 8443
  to_port           = 8443
  ip_protocol       = "tcp"
}

resource "aws_vpc_security_group_egress_rule" "to_db" {
  security_group_id            = aws_security_group.app.id
  referenced_security_group_id = aws_security_group.db.id
  from_port                    = 5432
  to_port                      = 5432
  ip_protocol                  = "tcp"
  description                  = "to the database"
}

resource "aws_vpc_security_group_egress_rule" "icmp" {
  security_group_id = aws_security_group.app.id
  cidr_ipv4         = "10.50.0.0/16"
  from_port         = 8
  to_port           = 0
  ip_protocol       = "icmp"
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/schemas/app"
  retention_in_days = var.retention
  log_group_class   = "STANDARD"
  skip_destroy      = false
  tags = {
    Team = var.team
  }
}

resource "aws_cloudwatch_log_group" "prefixed" {
  name_prefix       = "/schemas/prefixed-"
  log_group_class   = "INFREQUENT_ACCESS"
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_policy" "boundary" {
  name   = "schemas-boundary"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}

resource "aws_iam_role" "task" {
  name                  = "schemas-task"
  path                  = "/app/"
  description           = "runs the task"
  assume_role_policy    = data.aws_iam_policy_document.assume.json
  max_session_duration  = 7200
  permissions_boundary  = aws_iam_policy.boundary.arn
  force_detach_policies = true
  tags = {
    Team = var.team
  }
}

resource "aws_iam_role" "prefixed" {
  name_prefix        = "schemas-"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy_attachment" "task" {
  role       = aws_iam_role.task.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_db_subnet_group" "main" {
  name        = "schemas"
  description = "the database subnets"
  subnet_ids  = aws_subnet.public[*].id
  tags = {
    Tier = var.team
  }
}

resource "aws_db_subnet_group" "prefixed" {
  name_prefix = "schemas-"
  subnet_ids  = aws_subnet.public[*].id
}

resource "aws_db_instance" "main" {
  identifier                          = "schemas"
  engine                              = "postgres"
  engine_version                      = "16.3"
  instance_class                      = "db.t3.micro"
  allocated_storage                   = 20
  max_allocated_storage               = 100
  storage_type                        = "gp3"
  storage_encrypted                   = true
  db_name                             = "app"
  username                            = "app"
  password                            = "schemas-password-1"
  port                                = 5433
  db_subnet_group_name                = aws_db_subnet_group.main.name
  vpc_security_group_ids              = [aws_security_group.db.id]
  multi_az                            = false
  publicly_accessible                 = false
  backup_retention_period             = var.backup_retention_period
  backup_window                       = "03:00-04:00"
  maintenance_window                  = "Mon:05:00-Mon:06:00"
  copy_tags_to_snapshot               = true
  auto_minor_version_upgrade          = false
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql"]
  delete_automated_backups            = true
  deletion_protection                 = false
  skip_final_snapshot                 = true
  apply_immediately                   = true
  tags = {
    Tier = var.team
  }
}

resource "aws_ecs_cluster" "main" {
  name = "schemas"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
  configuration {
    execute_command_configuration {
      logging = "OVERRIDE"
      log_configuration {
        cloud_watch_log_group_name     = aws_cloudwatch_log_group.app.name
        cloud_watch_encryption_enabled = true
      }
    }
  }
  tags = {
    Team = var.team
  }
}

resource "aws_ecs_task_definition" "app" {
  family                   = "schemas-app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.task.arn
  task_role_arn            = aws_iam_role.task.arn
  pid_mode                 = "task"
  skip_destroy             = false
  container_definitions = jsonencode([{
    name      = "app"
    image     = "public.ecr.aws/nginx/nginx:1.27"
    essential = true
    portMappings = [{ containerPort = 8080, protocol = "tcp" }]
    environment  = [{ name = "PORT", value = "8080" }]
  }])
  ephemeral_storage {
    size_in_gib = 30
  }
  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "ARM64"
  }
  volume {
    name = "scratch"
  }
  tags = {
    Team = var.team
  }
}

resource "aws_lb" "main" {
  name     = "schemas"
  subnets  = aws_subnet.public[*].id
  internal = true
}

resource "aws_lb_target_group" "app" {
  name        = "schemas-app"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = aws_vpc.main.id
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.main.arn
  port              = 80
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}

resource "aws_ecs_service" "app" {
  name                               = "schemas-app"
  cluster                            = aws_ecs_cluster.main.arn
  task_definition                    = aws_ecs_task_definition.app.arn
  desired_count                      = var.desired_count
  launch_type                        = "FARGATE"
  platform_version                   = "LATEST"
  scheduling_strategy                = "REPLICA"
  health_check_grace_period_seconds  = 30
  deployment_maximum_percent         = 150
  deployment_minimum_healthy_percent = 50
  propagate_tags                     = "SERVICE"
  wait_for_steady_state              = true
  network_configuration {
    subnets          = aws_subnet.public[*].id
    security_groups  = [aws_security_group.app.id]
    assign_public_ip = true
  }
  load_balancer {
    target_group_arn = aws_lb_target_group.app.arn
    container_name   = "app"
    container_port   = 8080
  }
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  deployment_controller {
    type = "ECS"
  }
  tags = {
    Team = var.team
  }
  depends_on = [aws_lb_listener.http]
}
"#;

const CHANGED: [&str; 4] = [
    "-var=team=platform",
    "-var=retention=90",
    "-var=desired_count=3",
    "-var=backup_retention_period=14",
];

fn run(stack: &Stack, moto: &Moto, command: &[&str], variables: &[&str]) -> infra_testkit::Run {
    let args: Vec<&str> = command.iter().chain(variables).copied().collect();
    infra(stack, Some(moto), &args)
}

fn plans_clean(stack: &Stack, moto: &Moto, variables: &[&str]) {
    let plan = run(stack, moto, &["plan", "-input=false", "-detailed-exitcode"], variables);
    assert_eq!(plan.code, 0, "a plan right after apply:\n{}", plan.all());
}

#[test]
fn every_argument_moto_holds_reads_back_unchanged() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", STACK);
    let apply = run(&stack, &moto, &["apply", "-input=false", "-auto-approve"], &[]).ok();
    assert_contains(&apply.stdout, "Apply complete! Resources: 39 added");
    plans_clean(&stack, &moto, &[]);

    let update = run(&stack, &moto, &["apply", "-input=false", "-auto-approve"], &CHANGED).ok();
    assert_contains(&update.stdout, "Resources: 0 added, 9 changed, 0 destroyed.");
    plans_clean(&stack, &moto, &CHANGED);
    imports_the_service_by_cluster_and_name(&stack, &moto);

    let destroy = run(&stack, &moto, &["destroy", "-input=false", "-auto-approve"], &CHANGED).ok();
    assert_contains(&destroy.stdout, "Destroy complete!");
    assert_eq!(emulator_objects(&moto), Vec::<String>::new());
}

/// `terraform import aws_ecs_service.app CLUSTER/SERVICE` (the provider's import ID): the same
/// service, its ID and cluster as ARNs. As in Terraform, what only the configuration holds
/// (`wait_for_steady_state`) takes the import default, so one in-place update follows, and
/// nothing is replaced.
fn imports_the_service_by_cluster_and_name(stack: &Stack, moto: &Moto) {
    let address = "aws_ecs_service.app";
    let attribute = |name: &str| {
        let state = stack.state();
        let resources = state["resources"].as_array().cloned().unwrap_or_default();
        let service = resources
            .iter()
            .find(|resource| resource["address"] == address)
            .unwrap_or_else(|| panic!("{address} in the state"));
        service["attributes"][name].as_str().unwrap_or_default().to_string()
    };
    let (arn, cluster) = (attribute("arn"), attribute("cluster"));
    assert!(cluster.starts_with("arn:aws:ecs:"), "cluster {cluster}");
    run(stack, moto, &["state", "rm", address], &[]).ok();
    let import = ["import", "-input=false", address, "schemas/schemas-app"];
    run(stack, moto, &import, &CHANGED).ok();
    assert_eq!(attribute("id"), arn);
    assert_eq!(attribute("arn"), arn);
    assert_eq!(attribute("cluster"), cluster);
    let plan = run(stack, moto, &["plan", "-input=false"], &CHANGED).ok();
    assert_contains(&plan.stdout, "# aws_ecs_service.app will be updated in-place");
    assert_contains(&plan.stdout, "Plan: 0 to add, 1 to change, 0 to destroy.");
    run(stack, moto, &["apply", "-input=false", "-auto-approve"], &CHANGED).ok();
    plans_clean(stack, moto, &CHANGED);
}
