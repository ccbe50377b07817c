//! infra-cli
pub fn main() {}
