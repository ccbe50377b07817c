//! infra-config
