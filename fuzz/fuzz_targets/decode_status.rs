//! `Error::from_status` over arbitrary details, code and message; then the
//! invariants of what it decoded (see `csghub_errorx_fuzz::invariants`).
#![no_main]

use csghub_errorx::Error;
use csghub_errorx_fuzz::inputs::StatusInput;
use csghub_errorx_fuzz::invariants::{check_error_shown, check_forwarding};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(input) = StatusInput::parse(data) else {
        return;
    };
    let status = tonic::Status::with_details(
        tonic::Code::from_i32(input.code),
        input.message,
        bytes::Bytes::copy_from_slice(input.details),
    );
    let error = Error::from_status(&status);
    // The outer status is always kept.
    assert_eq!(error.grpc_code(), status.code());
    assert_eq!(error.message(), status.message());
    check_forwarding(&error, input.budget);
    check_error_shown(&error);
});
