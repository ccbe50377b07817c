//! infra-engine
