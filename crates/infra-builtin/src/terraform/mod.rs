//! Terraform's built-in provider (`terraform.io/builtin/terraform`): `terraform_data`.

pub mod terraform_data;
