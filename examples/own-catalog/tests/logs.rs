//! Both layers log codes of both catalogs. A test binary of its own: its
//! subscriber is the global one, so that no other test's thread, running
//! the layers with no subscriber, leaves tracing-core's callsite cache
//! saying "never enabled" (see tracing-core's `Interest`).

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use common::{channel, request, start_server};
use csghub_errorx::layer::LogLayer;
use csghub_errorx_example_own_catalog::{decoder, ModelServingClient};
use tower::ServiceBuilder;

/// Everything the layers write, as text.
#[derive(Clone, Default)]
struct LogText(Arc<Mutex<Vec<u8>>>);

impl LogText {
    fn lines(&self) -> Vec<String> {
        let bytes = self.0.lock().expect("log lock").clone();
        String::from_utf8(bytes)
            .expect("UTF-8 log lines")
            .lines()
            .map(str::to_string)
            .collect()
    }
}

impl Write for LogText {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log lock").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The global subscriber, installed once, writing the layers' lines into a
/// [`LogText`] without colours.
fn capture_logs() -> LogText {
    static TEXT: OnceLock<LogText> = OnceLock::new();
    TEXT.get_or_init(|| {
        let text = LogText::default();
        let writer = text.clone();
        tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .init();
        text
    })
    .clone()
}

#[tokio::test(flavor = "current_thread")]
async fn both_layers_log_codes_of_both_catalogs() {
    let logs = capture_logs();
    let addr = start_server().await;
    let layered = ServiceBuilder::new()
        .layer(LogLayer::client().decoder(decoder()))
        .service(channel(addr).await);
    let mut client = ModelServingClient::new(layered);
    for (model, prompt) in [("acme/none", "hi"), ("", "hi")] {
        client
            .generate(request(model, prompt))
            .await
            .expect_err("fails");
    }
    // The server writes its line when tonic drops the response body,
    // which may be after the client has its status: wait, at most 5 s.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while logs
        .lines()
        .iter()
        .filter(|l| l.contains("rpc failed"))
        .count()
        < 4
        && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let lines = logs.lines();
    for side in ["csghub_errorx::server", "csghub_errorx::client"] {
        for (code, reason, module) in [
            ("MODEL-ERR-1", "MODEL_NOT_FOUND", "MODEL"),
            ("REQ-ERR-4", "ERR_REQ_PARAM_MISSING", "REQ"),
        ] {
            let matching: Vec<&String> = lines
                .iter()
                .filter(|l| l.contains(side) && l.contains(&format!(" code={code} ")))
                .collect();
            assert_eq!(matching.len(), 1, "{side} {code}: {lines:#?}");
            assert!(
                matching[0].contains(&format!("reason={reason}"))
                    && matching[0].contains(&format!("module={module}")),
                "{}",
                matching[0]
            );
        }
    }
}
