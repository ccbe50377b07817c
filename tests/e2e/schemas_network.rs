//! A user's network stack using the newer arguments of the network types reads back unchanged:
//! apply, then a plan shows no changes; an in-place change of a new argument applies, and the
//! stack destroys cleanly.

use infra_testkit::{Moto, Stack};

use super::{apply_run, assert_contains, destroy_run, plan_run};

const STACK: &str = r#"
variable "certificate_arn" {
  type = string
}

variable "idle_timeout" {
  type    = number
  default = 60
}

resource "aws_vpc" "main" {
  cidr_block                       = "10.30.0.0/16"
  assign_generated_ipv6_cidr_block = true
  enable_dns_hostnames             = true
}

resource "aws_subnet" "public" {
  count                   = 2
  vpc_id                  = aws_vpc.main.id
  cidr_block              = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone       = ["us-east-1a", "us-east-1b"][count.index]
  map_public_ip_on_launch = true
}

resource "aws_security_group" "lb" {
  name_prefix            = "lb-"
  vpc_id                 = aws_vpc.main.id
  revoke_rules_on_delete = true

  ingress {
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }
}

resource "aws_lb" "web" {
  name_prefix                = "web-"
  security_groups            = [aws_security_group.lb.id]
  subnets                    = aws_subnet.public[*].id
  drop_invalid_header_fields = true
  idle_timeout               = var.idle_timeout
  desync_mitigation_mode     = "strictest"

  access_logs {
    bucket  = "lb-logs"
    prefix  = "web"
    enabled = true
  }
}

resource "aws_lb_target_group" "web" {
  name_prefix = "web-"
  port        = 8080
  protocol    = "HTTP"
  vpc_id      = aws_vpc.main.id
  slow_start  = 30

  stickiness {
    type            = "lb_cookie"
    cookie_duration = 3600
  }

  health_check {
    path    = "/health"
    matcher = "200-299"
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_lb_listener_rule" "login" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 10

  action {
    type  = "authenticate-oidc"
    order = 1

    authenticate_oidc {
      authorization_endpoint = "https://idp.example.com/authorize"
      client_id              = "web"
      client_secret          = "secret"
      issuer                 = "https://idp.example.com"
      token_endpoint         = "https://idp.example.com/token"
      user_info_endpoint     = "https://idp.example.com/userinfo"
    }
  }

  action {
    type             = "forward"
    order            = 2
    target_group_arn = aws_lb_target_group.web.arn
  }

  condition {
    path_pattern {
      values = ["/login/*"]
    }
  }

  condition {
    http_request_method {
      values = ["GET", "POST"]
    }
  }
}

resource "aws_eip" "egress" {
  vpc = true
}
"#;

#[test]
fn newer_network_arguments_read_back_unchanged() {
    let moto = Moto::start();
    let certificate = moto
        .python(
            "import boto3\nprint(boto3.client('acm').request_certificate(DomainName='example.com')['CertificateArn'])",
        )
        .trim()
        .to_string();
    let stack = Stack::new();
    stack.write("main.tf", STACK);
    let variable = format!("-var=certificate_arn={certificate}");

    let apply = apply_run(&stack, &moto, &[&variable]).ok();
    assert_contains(&apply.stdout, "Apply complete! Resources: 9 added");

    let plan = plan_run(&stack, &moto, &[&variable]);
    assert_eq!(plan.code, 0, "a second plan shows changes:\n{}", plan.all());

    // A new argument changed in place.
    let update = apply_run(&stack, &moto, &[&variable, "-var=idle_timeout=120"]).ok();
    assert_contains(&update.stdout, "1 changed, 0 destroyed");

    let destroy = destroy_run(&stack, &moto, &[&variable]).ok();
    assert_contains(&destroy.stdout, "Destroy complete! Resources: 9 destroyed.");
}
