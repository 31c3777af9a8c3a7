//! `errorx decode` on any input: what it prints, or the error it reports,
//! is escaped and bounded.
#![no_main]

use csghub_errorx_fuzz::invariants::check_shown;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // As `errorx decode` reads stdin: invalid UTF-8 replaced.
    let input = String::from_utf8_lossy(data);
    match csghub_errorx_cli::decode_input(&input) {
        Ok(report) => check_shown(&report, 300, 8 * 1024),
        Err(message) => check_shown(&message, 1, 1024),
    }
});
