//! [`LevelPolicy`]: which `tracing` level each RPC outcome is logged at.

use tracing::Level;

/// How many gRPC codes there are: `OK` (0) to `UNAUTHENTICATED` (16), the
/// last of tonic's (and `google/rpc/code.proto`'s) range.
const GRPC_CODES: usize = tonic::Code::Unauthenticated as usize + 1;

/// The `tracing` level of each completed RPC, chosen by its gRPC code.
///
/// By default
/// - server faults (`INTERNAL`, `UNKNOWN`, `DATA_LOSS`, `UNAVAILABLE`) are
///   `ERROR`, and `DEADLINE_EXCEEDED` is `WARN`;
/// - client faults (every other error code, `CANCELLED` among them) are `INFO`;
/// - success is `DEBUG`.
///
/// ```
/// use csghub_errorx::log::LevelPolicy;
/// use tracing::Level;
///
/// let levels = LevelPolicy::default().server_faults(Level::WARN).grpc_code(tonic::Code::NotFound, Level::DEBUG);
/// assert_eq!(levels.level(tonic::Code::Internal), Level::WARN);
/// assert_eq!(levels.level(tonic::Code::NotFound), Level::DEBUG);
/// assert_eq!(levels.level(tonic::Code::InvalidArgument), Level::INFO);
///
/// let quiet_deadlines = LevelPolicy::default().deadline(Level::INFO);
/// assert_eq!(quiet_deadlines.level(tonic::Code::DeadlineExceeded), Level::INFO);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LevelPolicy {
    success: Level,
    client_faults: Level,
    server_faults: Level,
    deadline: Level,
    overrides: [Option<Level>; GRPC_CODES],
}

impl Default for LevelPolicy {
    fn default() -> LevelPolicy {
        LevelPolicy {
            success: Level::DEBUG,
            client_faults: Level::INFO,
            server_faults: Level::ERROR,
            deadline: Level::WARN,
            overrides: [None; GRPC_CODES],
        }
    }
}

impl LevelPolicy {
    /// Sets the level of successful RPCs.
    pub fn success(mut self, level: Level) -> LevelPolicy {
        self.success = level;
        self
    }

    /// Sets the level of client faults.
    pub fn client_faults(mut self, level: Level) -> LevelPolicy {
        self.client_faults = level;
        self
    }

    /// Sets the level of server faults.
    pub fn server_faults(mut self, level: Level) -> LevelPolicy {
        self.server_faults = level;
        self
    }

    /// Sets the level of `DEADLINE_EXCEEDED`, whether the peer answered with
    /// it or the RPC ran out its `grpc-timeout` (on a client, also when
    /// tonic's own timer ended the call with its `CANCELLED`).
    pub fn deadline(mut self, level: Level) -> LevelPolicy {
        self.deadline = level;
        self
    }

    /// Sets the level of one gRPC code, over its class and over
    /// [`LevelPolicy::deadline`].
    pub fn grpc_code(mut self, code: tonic::Code, level: Level) -> LevelPolicy {
        if let Some(slot) = self.overrides.get_mut(code as usize) {
            *slot = Some(level);
        }
        self
    }

    /// The least verbose level any RPC can be logged at (`ERROR` by
    /// default): if the layer's target is off even at that level, no event
    /// of it will be logged.
    pub(crate) fn least_verbose(&self) -> Level {
        self.overrides
            .iter()
            .flatten()
            .copied()
            .chain([
                self.success,
                self.client_faults,
                self.server_faults,
                self.deadline,
            ])
            .min()
            .unwrap_or(Level::ERROR)
    }

    /// The level of an RPC that ended with `code`.
    pub fn level(&self, code: tonic::Code) -> Level {
        if let Some(Some(level)) = self.overrides.get(code as usize) {
            return *level;
        }
        use tonic::Code::*;
        match code {
            Ok => self.success,
            Internal | Unknown | DataLoss | Unavailable => self.server_faults,
            DeadlineExceeded => self.deadline,
            _ => self.client_faults,
        }
    }
}

#[cfg(test)]
mod least_verbose_tests {
    use super::*;

    #[test]
    fn the_least_verbose_level_is_the_one_a_quiet_filter_still_lets_through() {
        assert_eq!(LevelPolicy::default().least_verbose(), Level::ERROR);
        let quiet = LevelPolicy::default()
            .server_faults(Level::WARN)
            .deadline(Level::INFO);
        assert_eq!(quiet.least_verbose(), Level::WARN);
        let one = quiet.grpc_code(tonic::Code::Internal, Level::ERROR);
        assert_eq!(one.least_verbose(), Level::ERROR);
    }
}
