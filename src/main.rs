//! The `infra` binary: everything lives in the infra-cli crate.

fn main() -> std::process::ExitCode {
    infra_cli::main()
}
