//! `switchyard`: plans and applies workflows of sandboxed WebAssembly steps against AWS.

mod cmd;

use std::process::ExitCode;

use clap::Parser;
use switchyard::secrets;

#[tokio::main]
async fn main() -> ExitCode {
    secrets::remember_env();
    let cli = match cmd::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage(&err),
    };
    let json = cli.global.output == cmd::Output::Json;
    cli.global.init_tracing();
    let errors_exit_one = cli.command.errors_exit_one();
    match cli.command.execute(&cli.global).await {
        Ok(code) => code,
        Err(err) => {
            let code = if errors_exit_one {
                cmd::FAILED
            } else {
                cmd::exit_code(&err)
            };
            let message = secrets::redact(&format!("{err:#}"));
            if json {
                println!("{}", serde_json::json!({ "ok": false, "error": message }));
            } else {
                // An error may quote a plugin (its panic message): one line, no escapes.
                eprintln!("error: {}", switchyard::report::visible(&message));
            }
            ExitCode::from(code)
        }
    }
}

/// A command line clap refused (or `--help`, `--version`): clap's text, or with `--output json`
/// a JSON error on stdout; exit 2 (1 with `--detailed-exitcode`, where 2 means changes; 0 for
/// help and version).
fn usage(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let args: Vec<String> = std::env::args().collect();
    let json =
        args.windows(2).any(|w| w[0] == "--output" && w[1] == "json") || args.iter().any(|a| a == "--output=json");
    let informational = matches!(err.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion);
    let code = if args.iter().any(|a| a == "--detailed-exitcode") {
        cmd::FAILED
    } else {
        cmd::USAGE
    };
    if json && !informational {
        let message = err.render().to_string();
        println!("{}", serde_json::json!({ "ok": false, "error": message.trim() }));
        return ExitCode::from(code);
    }
    let _ = err.print();
    ExitCode::from(if informational { 0 } else { code })
}
