use clap::Parser;

fn main() {
    std::process::exit(modelops_cli::main(modelops_cli::Args::parse()));
}
