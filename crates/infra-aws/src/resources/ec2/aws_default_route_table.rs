//! `aws_default_route_table`: adopts a VPC's main route table (`default_route_table_id`)
//! instead of creating one. As in the provider, adoption first removes every route (but the
//! `local` one, propagated ones and VPC endpoint prefix-list routes) and every VGW propagation,
//! then adds the configured ones; the table's tags become the configured tags. Destroying it
//! only forgets it: a main route table cannot be deleted, and its routes stay as they are.
//! Import takes the VPC id and finds that VPC's main table.
//!
//! The table logic (inline `route`, `propagating_vgws`, reads, the adoption itself) is in
//! `aws_route_table`: this is its [`TableObject`] with `DEFAULT` (`TableKind::Default`'s route
//! targets). moto does not implement VGW route propagation, so `propagating_vgws` is not
//! exercised in tests.

use crate::ec2_object::Ec2Type;
use crate::resources::ec2::aws_route_table::TableObject;

pub type AwsDefaultRouteTable = Ec2Type<TableObject<true>>;
