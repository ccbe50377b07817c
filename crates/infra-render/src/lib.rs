//! infra-render
