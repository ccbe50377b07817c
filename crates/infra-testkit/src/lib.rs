//! infra-testkit
