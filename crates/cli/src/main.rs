//! `errorx`: list, explain and document the catalog, and decode
//! `grpc-status-details-bin` values copied from logs.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use base64::Engine as _;
use clap::{Parser, Subcommand};
use csghub_errorx::{grpc_code, Error, ErrorCode, Module};
use prost::Message as _;

/// The CSGHub error catalog.
#[derive(Parser)]
#[command(name = "errorx", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the codes, one per line, or as a JSON array.
    List {
        /// Print a JSON array of objects.
        #[arg(long)]
        json: bool,
        /// Only this module: a prefix (GIT) or a title (Git).
        #[arg(long)]
        module: Option<String>,
    },
    /// Explain one code, given as a code string, a name or a reason.
    Explain {
        /// GIT-ERR-8, gitAuthFailed or GIT_AUTH_FAILED.
        code: String,
    },
    /// Print the catalog as Markdown, grouped by module.
    Docs,
    /// Decode a base64 grpc-status-details-bin value (padded or not).
    Decode {
        /// The header value, as copied from a log.
        base64: String,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(text) => {
            // A closed pipe (`errorx docs | head`) is not an error worth a panic.
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("errorx: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one subcommand and returns what it prints.
fn run(command: Command) -> Result<String, String> {
    let mut out = String::new();
    match command {
        Command::List { json, module } => {
            let module = module.map(|m| parse_module(&m)).transpose()?;
            let codes: Vec<ErrorCode> = ErrorCode::iter()
                .filter(|c| module.is_none_or(|m| c.module() == m))
                .collect();
            if json {
                let rows: Vec<_> = codes.iter().map(|&c| code_json(c)).collect();
                out = serde_json::to_string_pretty(&rows).map_err(|e| e.to_string())? + "\n";
            } else {
                for code in codes {
                    let _ = writeln!(
                        out,
                        "{:<18} {:<36} {:<20} {}",
                        code.as_str(),
                        code.name(),
                        grpc_code::name(code.grpc_code()),
                        code.http_status().as_u16()
                    );
                }
            }
        }
        Command::Explain { code } => {
            let code: ErrorCode = code
                .parse()
                .map_err(|e: csghub_errorx::ParseCodeError| e.to_string())?;
            let _ = write!(
                out,
                "{}  {}\n\n  {}\n\n  module:      {} ({})\n  reason:      {}\n  grpc code:   {} ({})\n  http status: {}\n",
                code.as_str(),
                code.name(),
                code.description(),
                code.module(),
                code.module().title().unwrap_or(""),
                code.reason(),
                grpc_code::name(code.grpc_code()),
                code.grpc_code() as i32,
                code.http_status()
            );
        }
        Command::Docs => out = docs(),
        Command::Decode { base64 } => {
            let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(base64.trim().trim_end_matches('='))
                .map_err(|e| format!("not base64: {e}"))?;
            let inner = tonic_types::pb::Status::decode(&bytes[..])
                .map_err(|e| format!("not a google.rpc.Status: {e}"))?;
            // Rebuild the status the header came with: the outer code and
            // message are the inner ones by contract.
            let status = tonic::Status::with_details(
                tonic::Code::from_i32(inner.code),
                inner.message,
                bytes.into(),
            );
            out = Error::from_status(&status).report().to_string();
        }
    }
    Ok(out)
}

fn parse_module(text: &str) -> Result<Module, String> {
    Module::iter()
        .find(|m| {
            m.prefix().is_some_and(|p| p.eq_ignore_ascii_case(text))
                || m.title().is_some_and(|t| t.eq_ignore_ascii_case(text))
        })
        .ok_or_else(|| format!("{text:?} is not a module; try one of ACT AUTH DAT GIT INVITATION LICENSE REQ SYS TASK USER"))
}

fn code_json(code: ErrorCode) -> serde_json::Value {
    serde_json::json!({
        "code": code.as_str(),
        "module": code.module().prefix(),
        "number": code.number(),
        "name": code.name(),
        "reason": code.reason(),
        "description": code.description(),
        "grpc_code": grpc_code::name(code.grpc_code()),
        "http_status": code.http_status().as_u16(),
    })
}

/// The catalog in Markdown, laid out like the source document.
fn docs() -> String {
    let mut out = String::from(
        "# Error Codes\n\nThis document lists all the custom error codes defined in the project, categorized by module.\n",
    );
    for module in Module::iter() {
        let _ = write!(out, "\n## {} Errors\n", module.title().unwrap_or_default());
        for code in module.codes() {
            let _ = write!(
                out,
                "\n### {code}\n\n- Error Code: {code}\n- Error Name: {}\n- Description: {}\n- gRPC Code: {}\n- HTTP Status: {}\n",
                code.name(),
                code.description(),
                grpc_code::name(code.grpc_code()),
                code.http_status().as_u16()
            );
        }
    }
    out
}
