//! The `infra` binary: everything lives in the infra-cli crate.

// Planning allocates many small values (a third of the time at 10,000 resources went to the
// system allocator); mimalloc serves them faster. Its version 2 (the `v2` feature in
// Cargo.toml) gives freed memory back after 10 ms where version 3 keeps it for a second,
// longer than a plan: the same time, a lower peak. See BENCHMARKS.md §1.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    infra_cli::main()
}
