//! infra-state
