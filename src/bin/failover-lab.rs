//! The native command-line interface to the simulation core.

use std::process::ExitCode;

const HELP: &str = "\
failover-lab: simulate fault-tolerant architectures from the command line

USAGE:
    failover-lab <COMMAND> [OPTIONS]

COMMANDS:
    run <scenario.json>    Run a scenario and print its report
    help                   Print this help

OPTIONS:
    -h, --help             Print this help
    -V, --version          Print the version
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("-h" | "--help" | "help") => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        Some("-V" | "--version") => {
            println!("failover-lab {}", failover_lab::ENGINE_VERSION);
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("error: unknown command `{other}`\n\n{HELP}");
            ExitCode::from(2)
        }
    }
}
