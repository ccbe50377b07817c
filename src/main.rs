//! The `infra` binary: everything lives in the infra-cli crate.

// Planning allocates many small values (a third of the time at 10,000 resources went to the
// system allocator); mimalloc serves them faster. See BENCHMARKS.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    infra_cli::main()
}
