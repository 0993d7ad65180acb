//! `switchyard`: plans and applies workflows of sandboxed WebAssembly steps against AWS.

mod cmd;

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    let json = cli.global.output == cmd::Output::Json;
    cli.global.init_tracing();
    match cli.command.execute(&cli.global).await {
        Ok(code) => code,
        Err(err) => {
            let code = cmd::exit_code(&err);
            if json {
                println!("{}", serde_json::json!({ "ok": false, "error": format!("{err:#}") }));
            } else {
                eprintln!("error: {err:#}");
            }
            ExitCode::from(code)
        }
    }
}
