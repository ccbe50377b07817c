# The stack the CI example deploys: a network per environment. The state bucket is given at
# `infra init -backend-config=bucket=...`; each workspace (staging, production) keeps its
# state at env:/NAME/ci/terraform.tfstate in it.
terraform {
  backend "s3" {
    key          = "ci/terraform.tfstate"
    region       = "us-east-1"
    use_lockfile = true
  }
}

provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = {
      Environment = terraform.workspace
      ManagedBy   = "infra"
    }
  }
}

variable "cidr" {
  type        = string
  description = "The VPC's address range."
}

variable "zones" {
  type        = number
  description = "How many availability zones get a private subnet."
  default     = 2
}

data "aws_availability_zones" "available" {
  state = "available"
}

resource "aws_vpc" "main" {
  cidr_block           = var.cidr
  enable_dns_hostnames = true
  tags = {
    Name = "ci-${terraform.workspace}"
  }
}

resource "aws_subnet" "private" {
  count             = var.zones
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone = data.aws_availability_zones.available.names[count.index]
  tags = {
    Name = "ci-${terraform.workspace}-private-${count.index}"
  }
}

output "vpc_id" {
  value = aws_vpc.main.id
}

output "subnet_ids" {
  value = aws_subnet.private[*].id
}
