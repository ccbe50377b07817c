# State in S3, locked with a lock object created with If-None-Match and written with If-Match.
# The bucket must exist (with versioning on, for recovery). Fill in or override the settings
# with `infra init -backend-config=bucket=... -backend-config=region=...`.
terraform {
  backend "s3" {
    bucket       = "infra-example-state"
    key          = "example/terraform.tfstate"
    region       = "us-east-1"
    use_lockfile = true
  }
}

provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.44.0.0/16"
  tags = {
    Name = "example-${terraform.workspace}"
  }
}
