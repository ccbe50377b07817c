fn main() { infra_cli::main() }
