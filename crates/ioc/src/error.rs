//! The crate's error: what went wrong, in which input, and where in it.
use std::path::PathBuf;

/// A failure that stops loading indicators or scanning logs. Its message is
/// one line naming the file, the place in it and the reason.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be opened or read.
    #[error("{path}: {err}")]
    Io { path: PathBuf, err: std::io::Error },
    /// The content is not what its format requires.
    #[error("{path}:{line}: {reason}")]
    Malformed {
        path: PathBuf,
        /// 1-based line (0 when the whole file is concerned).
        line: u64,
        reason: String,
    },
    /// An option given by the caller is wrong.
    #[error("{0}")]
    Usage(String),
    /// The sink that receives hits failed.
    #[error("writing results: {0}")]
    Output(String),
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, err: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            err,
        }
    }

    pub(crate) fn malformed(
        path: impl Into<PathBuf>,
        line: u64,
        reason: impl Into<String>,
    ) -> Self {
        Error::Malformed {
            path: path.into(),
            line,
            reason: reason.into(),
        }
    }
}
