//! End-to-end tests: the real `infra` binary against moto in server mode, grouped by theme.

mod e2e;
