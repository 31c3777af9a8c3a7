//! `errorx`: list, explain and document a catalog (CSGHub's, or any
//! catalog proto given with `--catalog`), and decode
//! `grpc-status-details-bin` values copied from logs.

mod catalog_file;
mod check;
mod lookup;
mod site;

use std::fmt::Write as _;
use std::io::{Read as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use csghub_errorx::{grpc_code, Catalog, ErrorCode, Locale, Module, StatusDecoder};
use csghub_errorx_cli::{decode_input_with, quoted};

/// The CSGHub error catalog, or any catalog declared with csghub-errorx's
/// proto options.
#[derive(Parser)]
#[command(name = "errorx", version, about)]
struct Cli {
    /// Work on the catalog this proto declares (compiled now, its
    /// messages read from `messages/` beside it) instead of CSGHub's.
    #[arg(long, global = true, value_name = "FILE")]
    catalog: Option<PathBuf>,
    /// A directory the catalog proto's imports are found in, besides its
    /// own root (inferred from its package); repeatable.
    #[arg(short = 'I', long = "include", global = true, value_name = "DIR")]
    include: Vec<PathBuf>,
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
    /// Explain one code, however it is spelled: a code string, a name, a
    /// reason, or a module and number, in any case.
    Explain {
        /// GIT-ERR-8, git-err-8, gitAuthFailed, GIT_AUTH_FAILED, "GIT 8".
        #[arg(num_args = 1.., required = true)]
        code: Vec<String>,
        /// Also show the message end users see in this language: en-US,
        /// zh-CN, zh-HK (or any tag: zh-TW shows zh-HK).
        #[arg(long, value_name = "TAG")]
        lang: Option<String>,
    },
    /// Print the catalog as Markdown, grouped by module.
    Docs {
        /// Add the message end users see in this language to each code.
        #[arg(long, value_name = "TAG")]
        lang: Option<String>,
    },
    /// Decode a grpc-status-details-bin value (base64, padded or not).
    ///
    /// Give the value, a `grpc-status-details-bin: ...` header line, or a
    /// whole log line of the layers at DEBUG (its
    /// `grpc.status_details_bin` field); without an argument, or with
    /// `-`, it is read from stdin.
    Decode {
        /// The value or line; `-` or nothing reads stdin.
        input: Option<String>,
    },
    /// Write the catalog as a static reference site: an index, a page per
    /// module and one per code at `errors/<CODE>/index.html` (where a
    /// problem+json `type` points), in every locale, with search.
    Site {
        /// The directory to write (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Where the site is served, such as https://csghub.opencsg.com:
        /// the problem `type` URIs shown are `<URL>/errors/<CODE>`, and
        /// pages link to their canonical URL. By default the types are
        /// under the catalog's domain, as servers send them.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
    /// Report every change of the catalog since OLD, by severity:
    /// breaking for clients, risky, or fine. Exits 1 if one is breaking.
    ///
    /// The catalog is `--catalog FILE`, or CSGHub's in the repository of
    /// the current directory (proto/csghub/errorx/v1/catalog.proto).
    Check {
        /// The old catalog: a proto file, a directory with the same proto
        /// root (the catalog at its import path), or a git revision of the
        /// catalog's repository (HEAD~1, main, v0.2.0).
        #[arg(long, value_name = "OLD")]
        against: String,
        /// Print a JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Check { against, json } = &cli.command {
        // The catalogs are read as the build crate's data (with their
        // reserved numbers and names), not as the library's.
        return match check::check(against, cli.catalog.as_deref(), &cli.include, *json) {
            Ok(report) => {
                let _ = std::io::stdout().lock().write_all(report.text.as_bytes());
                if report.breaking {
                    ExitCode::FAILURE
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(message) => {
                eprintln!("errorx: {message}");
                // 2, not 1: the catalogs could not be compared at all.
                ExitCode::from(2)
            }
        };
    }
    let catalog = match &cli.catalog {
        None => Ok(&csghub_errorx::csghub::CATALOG),
        Some(proto) => catalog_file::read(proto, &cli.include),
    };
    match catalog.and_then(|catalog| run(catalog, cli.command)) {
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
fn run(catalog: &'static Catalog, command: Command) -> Result<String, String> {
    let mut out = String::new();
    match command {
        Command::List { json, module } => {
            let module = module.map(|m| parse_module(catalog, &m)).transpose()?;
            let codes: Vec<ErrorCode> = catalog
                .codes()
                .filter(|c| module.is_none_or(|m| c.module() == m))
                .collect();
            if json {
                let rows: Vec<_> = codes.iter().map(|&c| code_json(catalog, c)).collect();
                out = serde_json::to_string_pretty(&rows).map_err(|e| e.to_string())? + "\n";
            } else {
                let row = |out: &mut String, cells: [&str; 5]| {
                    let _ = writeln!(
                        out,
                        "{:<15} {:<36} {:<40} {:<20} {}",
                        cells[0], cells[1], cells[2], cells[3], cells[4]
                    );
                };
                row(&mut out, ["CODE", "NAME", "REASON", "GRPC", "HTTP"]);
                for code in codes {
                    row(
                        &mut out,
                        [
                            code.as_str(),
                            code.name(),
                            code.reason(),
                            grpc_code::name(code.grpc_code()),
                            code.http_status().as_str(),
                        ],
                    );
                }
            }
        }
        Command::Explain { code, lang } => {
            let query = code.join(" ");
            let code = match lookup::lookup(catalog, &query) {
                lookup::Lookup::Found(code) => code,
                lookup::Lookup::NotInCatalog(code) => {
                    let module = code.module().map_or_else(
                        || format!("#{}", code.module_number()),
                        |m| m.prefix().to_string(),
                    );
                    let _ = writeln!(
                        out,
                        "{code}  not in this catalog (module {module}, number {})\n\n  A peer with a newer catalog sent it; this catalog ({}) does\n  not know its name or meaning.",
                        code.number(),
                        catalog_name(catalog),
                    );
                    return Ok(out);
                }
                lookup::Lookup::Suggestions(codes) => {
                    // What was typed is shown escaped and bounded.
                    let mut message = format!("{} is not a code of this catalog", quoted(&query));
                    if !codes.is_empty() {
                        message.push_str("; did you mean:");
                        for code in codes {
                            let _ = write!(message, "\n  {:<14} {}", code.as_str(), code.name());
                        }
                    }
                    return Err(message);
                }
            };
            let _ = write!(
                out,
                "{}  {}\n\n  {}\n\n  module:      {} ({})\n  reason:      {}\n  grpc code:   {} ({})\n  http status: {}\n",
                code.as_str(),
                code.name(),
                code.description(),
                code.module(),
                code.module().title(),
                code.reason(),
                grpc_code::name(code.grpc_code()),
                code.grpc_code() as i32,
                code.http_status()
            );
            let _ = write!(out, "  retried:     {}", retry_text(code.retry_class()));
            if let Some(delay) = code.retry_delay() {
                let _ = write!(out, " (the server asks for {} ms)", delay.as_millis());
            }
            out.push('\n');
            if let Some(locale) = lang.as_deref().map(|tag| catalog.negotiate(tag)) {
                let _ = writeln!(out, "  message ({locale}): {}", code.user_message(locale));
            }
        }
        Command::Docs { lang } => {
            out = docs(catalog, lang.as_deref().map(|tag| catalog.negotiate(tag)))
        }
        Command::Decode { input } => {
            let input = match input.as_deref() {
                None | Some("-") => read_stdin()?,
                Some(text) => text.to_string(),
            };
            out = decode_input_with(&StatusDecoder::new().catalog(catalog), &input)?;
        }
        Command::Site { out: dir, base_url } => {
            out = site::build(catalog, &dir, base_url.as_deref())?;
        }
        Command::Check { .. } => unreachable!("main runs check"),
    }
    Ok(out)
}

/// The most of stdin `decode` reads: a log line, or a few, not a file.
const MAX_STDIN: u64 = 1024 * 1024;

fn read_stdin() -> Result<String, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(MAX_STDIN)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// CSGHub's catalog by its crate version, a user's by its package.
fn catalog_name(catalog: &Catalog) -> String {
    if *catalog == csghub_errorx::csghub::CATALOG {
        format!("csghub-errorx {}", env!("CARGO_PKG_VERSION"))
    } else {
        catalog.package().to_string()
    }
}

fn parse_module(catalog: &Catalog, text: &str) -> Result<Module, String> {
    catalog
        .modules()
        .iter()
        .copied()
        .find(|m| m.prefix().eq_ignore_ascii_case(text) || m.title().eq_ignore_ascii_case(text))
        .ok_or_else(|| {
            let mut prefixes: Vec<&str> = catalog.modules().iter().map(|m| m.prefix()).collect();
            prefixes.sort_unstable();
            format!(
                "{} is not a module; try one of {}",
                quoted(text),
                prefixes.join(" ")
            )
        })
}

/// How `explain` says a code's retry class.
fn retry_text(class: csghub_errorx::RetryClass) -> &'static str {
    match class {
        csghub_errorx::RetryClass::Backoff => "with backoff",
        csghub_errorx::RetryClass::AfterServerDelay => "after the server's delay",
        _ => "never",
    }
}

/// A code's retry class in `list --json`: `never`, `after_server_delay` or
/// `backoff`, as the proto's `RetryClass` values read without their prefix.
fn retry_name(class: csghub_errorx::RetryClass) -> &'static str {
    match class {
        csghub_errorx::RetryClass::Backoff => "backoff",
        csghub_errorx::RetryClass::AfterServerDelay => "after_server_delay",
        _ => "never",
    }
}

fn code_json(catalog: &Catalog, code: ErrorCode) -> serde_json::Value {
    serde_json::json!({
        "code": code.as_str(),
        "module": code.module().prefix(),
        "number": code.number(),
        "name": code.name(),
        "reason": code.reason(),
        "description": code.description(),
        "grpc_code": grpc_code::name(code.grpc_code()),
        "http_status": code.http_status().as_u16(),
        "context_keys": code.context_keys(),
        "retry": retry_name(code.retry_class()),
        "retry_delay_ms": code.retry_delay().map_or(0, |d| d.as_millis() as u64),
        "messages": catalog.locales().iter().copied()
            .map(|locale| (locale.as_str().to_string(), code.user_message(locale).into()))
            .collect::<serde_json::Map<_, _>>(),
        // The same with `{key}` placeholders for the context keys, where the
        // code has one: a frontend can localize from the listing alone.
        "detailed": catalog.locales().iter().copied()
            .filter_map(|locale| Some((locale.as_str().to_string(), code.user_message_template(locale)?.into())))
            .collect::<serde_json::Map<_, _>>(),
    })
}

/// The catalog in Markdown, laid out like the source document, with each
/// code's message for end users in `locale` if one is given.
fn docs(catalog: &Catalog, locale: Option<Locale>) -> String {
    let mut out = String::from(
        "# Error Codes\n\nThis document lists all the custom error codes defined in the project, categorized by module.\n",
    );
    for module in catalog.modules().iter().copied() {
        let _ = write!(out, "\n## {} Errors\n", module.title());
        for code in catalog.module_codes(module) {
            let _ = write!(
                out,
                "\n### {code}\n\n- Error Code: {code}\n- Error Name: {}\n- Description: {}\n- Reason (AIP-193): {}\n- gRPC Code: {}\n- HTTP Status: {}\n",
                code.name(),
                code.description(),
                code.reason(),
                grpc_code::name(code.grpc_code()),
                code.http_status().as_u16()
            );
            if let Some(locale) = locale {
                let _ = writeln!(out, "- Message ({locale}): {}", code.user_message(locale));
            }
        }
    }
    out
}
