# The reference stack: a container service on AWS.
# VPC over two zones (public + private subnets, IGW, NAT), an ALB serving HTTPS (hosted zone,
# DNS-validated ACM certificate; HTTP redirects) with blue and green target groups, an ECS
# Fargate service deployed blue/green from its own ECR repository and scaled on CPU, and RDS
# Postgres in private subnets whose password the service reads from Secrets Manager.
#
#   infra plan  -var-file=envs/dev.tfvars
#   infra apply -var-file=envs/dev.tfvars
#
# The database password comes from the environment (TF_VAR_db_password), never from a file.

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = {
      Project     = var.project
      Environment = var.environment
      ManagedBy   = "infra"
    }
  }
}

data "aws_availability_zones" "available" {
  state = "available"
}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  name  = "${var.project}-${var.environment}"
  zones = slice(data.aws_availability_zones.available.names, 0, 2)
}
