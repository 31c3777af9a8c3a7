//! Captures `tracing` events so tests can assert on their fields.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

/// One captured event.
#[derive(Clone, Debug)]
pub struct Captured {
    pub target: String,
    pub level: Level,
    pub fields: BTreeMap<String, String>,
    /// The names of the spans the event was inside, innermost first.
    pub spans: Vec<String>,
}

impl Captured {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }

    pub fn in_span(&self, name: &str) -> bool {
        self.spans.iter().any(|span| span == name)
    }
}

/// Every event recorded while the guard of [`capture`] is alive.
#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<Captured>>>);

impl Logs {
    pub fn all(&self) -> Vec<Captured> {
        self.0.lock().unwrap().clone()
    }

    /// The events of one layer side (`server` or `client`).
    pub fn side(&self, side: &str) -> Vec<Captured> {
        let target = format!("csghub_errorx::{side}");
        self.all()
            .into_iter()
            .filter(|e| e.target == target)
            .collect()
    }

    pub fn clear(&self) {
        self.0.lock().unwrap().clear();
    }
}

struct Capture(Logs);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

impl<S> Layer<S> for Capture
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let spans = ctx
            .event_scope(event)
            .map(|scope| scope.map(|span| span.name().to_string()).collect())
            .unwrap_or_default();
        self.0 .0.lock().unwrap().push(Captured {
            target: event.metadata().target().to_string(),
            level: *event.metadata().level(),
            fields,
            spans,
        });
    }
}

/// Captures every event on this thread until the guard drops. Use it with
/// a current-thread runtime, so servers and clients run on this thread.
pub fn capture() -> (Logs, tracing::subscriber::DefaultGuard) {
    let logs = Logs::default();
    let subscriber = tracing_subscriber::registry().with(Capture(logs.clone()));
    let guard = tracing::subscriber::set_default(subscriber);
    (logs, guard)
}

/// Like [`capture`], recording only events at `level` or above, so that
/// `tracing::enabled!` below it is false.
pub fn capture_at(
    level: tracing::level_filters::LevelFilter,
) -> (Logs, tracing::subscriber::DefaultGuard) {
    let logs = Logs::default();
    // A global filter, as `EnvFilter` usually is: per-layer filters and
    // `tracing::enabled!` at several levels confuse each other.
    let subscriber = tracing_subscriber::registry()
        .with(level)
        .with(Capture(logs.clone()));
    let guard = tracing::subscriber::set_default(subscriber);
    (logs, guard)
}

/// The text a `tracing_subscriber::fmt` subscriber writes, as a log file
/// or a terminal receives it.
#[derive(Clone, Default)]
pub struct Text(Arc<Mutex<Vec<u8>>>);

impl Text {
    /// Everything written so far, as bytes: a test looks for raw escape
    /// bytes, which a `String` would hide behind replacement characters.
    pub fn bytes(&self) -> Vec<u8> {
        self.0.lock().unwrap().clone()
    }

    /// The lines written so far, invalid UTF-8 replaced.
    pub fn lines(&self) -> Vec<String> {
        String::from_utf8_lossy(&self.bytes())
            .lines()
            .map(str::to_string)
            .collect()
    }
}

impl std::io::Write for Text {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Text {
    type Writer = Text;

    fn make_writer(&'a self) -> Text {
        self.clone()
    }
}

/// Like [`capture`], for this crate's targets only (every level), and
/// also writes them as `tracing_subscriber::fmt` does by default, without
/// colours: what a log reader sees.
pub fn capture_text() -> (Logs, Text, tracing::subscriber::DefaultGuard) {
    let logs = Logs::default();
    let text = Text::default();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_subscriber::EnvFilter::new("csghub_errorx=trace"))
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(text.clone()),
        )
        .with(Capture(logs.clone()));
    let guard = tracing::subscriber::set_default(subscriber);
    (logs, text, guard)
}

/// The longest line a layer may write, whatever the peer sent: its
/// strings are cut at 64 to 512 bytes each before escaping (which at most
/// multiplies their length by 10, for `\u{10ffff}`-style escapes).
pub const MAX_LINE: usize = 24 * 1024;

/// Fails unless `text` is exactly `lines` lines, none longer than
/// [`MAX_LINE`], and holds no raw byte that starts a line or drives a
/// terminal.
pub fn assert_clean(text: &Text, lines: usize) {
    let bytes = text.bytes();
    let shown = String::from_utf8_lossy(&bytes);
    let excerpt: String = shown.chars().take(2000).collect();
    assert!(!bytes.contains(&0x1b), "a raw ESC: {excerpt}");
    assert!(!bytes.contains(&b'\r'), "a raw CR: {excerpt}");
    for c in ['\u{9b}', '\u{202e}', '\u{2028}'] {
        assert!(!shown.contains(c), "a raw {c:?}: {excerpt}");
    }
    let written = text.lines();
    assert_eq!(written.len(), lines, "{excerpt}");
    for line in &written {
        assert!(!line.starts_with("FORGED-LINE"), "a forged line: {line}");
        assert!(
            line.len() <= MAX_LINE,
            "a line of {} bytes: {}",
            line.len(),
            line.chars().take(2000).collect::<String>()
        );
    }
}
