# A local module: the network is a module called twice, once per environment.
provider "aws" {
  region = "us-east-1"
}

module "staging" {
  source = "./modules/network"
  name   = "staging"
  cidr   = "10.50.0.0/16"
}

module "prod" {
  source = "./modules/network"
  name   = "prod"
  cidr   = "10.51.0.0/16"
}

output "vpc_ids" {
  value = {
    staging = module.staging.vpc_id
    prod    = module.prod.vpc_id
  }
}
