//! The error a parse ends with: which input, where in it, and why.

use std::fmt;

/// Where in the input a problem was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// Byte offset in the (decompressed) input, counted from 0.
    Byte(u64),
    /// Line (from 1) and column (from 1; 0 when unknown).
    Line { line: u64, column: u64 },
    /// Nowhere in particular (e.g. an empty input).
    Input,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Byte(b) => write!(f, "byte {b}"),
            Location::Line { line, column: 0 } => write!(f, "line {line}"),
            Location::Line { line, column } => write!(f, "line {line}, column {column}"),
            Location::Input => write!(f, "whole input"),
        }
    }
}

/// Why a report could not be parsed.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// The content is not a valid report of the format.
    #[error("{input}: {location}: {reason}")]
    Malformed {
        input: String,
        location: Location,
        reason: String,
    },
    /// The format could not be recognised from the content.
    #[error("{input}: cannot tell the report format: {reason}")]
    UnknownFormat { input: String, reason: String },
    /// Reading the input failed (including a corrupt gzip stream).
    #[error("{input}: {location}: cannot read: {source}")]
    Io {
        input: String,
        location: Location,
        source: std::io::Error,
    },
    /// The finding callback refused a finding; parsing stopped there.
    #[error("{input}: {location}: stopped: {source}")]
    Stopped {
        input: String,
        location: Location,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl ParseError {
    /// Where in the input the problem is, if anywhere.
    pub fn location(&self) -> Option<Location> {
        match self {
            ParseError::Malformed { location, .. }
            | ParseError::Io { location, .. }
            | ParseError::Stopped { location, .. } => Some(*location),
            ParseError::UnknownFormat { .. } => None,
        }
    }

    /// The input name the error is about.
    pub fn input(&self) -> &str {
        match self {
            ParseError::Malformed { input, .. }
            | ParseError::UnknownFormat { input, .. }
            | ParseError::Io { input, .. }
            | ParseError::Stopped { input, .. } => input,
        }
    }
}
