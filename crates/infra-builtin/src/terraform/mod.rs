//! Terraform's built-in provider (`terraform.io/builtin/terraform`): `terraform_data` and
//! `data "terraform_remote_state"`.

pub mod terraform_data;
pub mod terraform_remote_state;
