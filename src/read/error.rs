//! Errors of the `read` stage: every way a file can fail to become text.

use std::path::PathBuf;

/// Why an input could not be read. Each variant has a stable code `fazhi::read::<kind>`.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ReadError {
    #[error("`{name}` has no text")]
    #[diagnostic(
        code("fazhi::read::empty"),
        help("check that the file holds the report itself; a web page or docx whose body is empty reads as empty")
    )]
    Empty { name: String },

    #[error("`{name}` looks like a binary file, not a report")]
    #[diagnostic(
        code("fazhi::read::binary"),
        help("give the report as .txt, .html or .docx; convert a PDF or a .doc to one of these first")
    )]
    Binary { name: String },

    #[error("`{name}` is too large ({size} bytes, the limit is {limit})")]
    #[diagnostic(
        code("fazhi::read::too-large"),
        help("a yearly report is far smaller; check that this is the right file, or cut it down to the report")
    )]
    TooLarge {
        name: String,
        size: u64,
        limit: usize,
    },

    #[error("cannot decode `{name}` as UTF-8, UTF-16 or GB18030")]
    #[diagnostic(
        code("fazhi::read::bad-encoding"),
        help("save the file as UTF-8 (in most editors: Save As, encoding UTF-8)")
    )]
    BadEncoding { name: String },

    #[error("`{name}` is not a readable docx: {reason}")]
    #[diagnostic(
        code("fazhi::read::bad-docx"),
        help("open it in Word or WPS and save it again as .docx, or save the report as .txt")
    )]
    BadDocx { name: String, reason: String },

    #[error("`{name}` unpacks to more than {limit} bytes of document text")]
    #[diagnostic(
        code("fazhi::read::docx-too-large"),
        help("this is not an ordinary report (it may be a zip bomb); save the report as .txt instead")
    )]
    DocxTooLarge { name: String, limit: usize },

    #[error("cannot read `{}`", path.display())]
    #[diagnostic(
        code("fazhi::read::io"),
        help("check that the path exists and that you may read it")
    )]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl ReadError {
    /// The stable code, shared with [`crate::diagnostic::Code`].
    pub fn stable_code(&self) -> crate::diagnostic::Code {
        use crate::diagnostic::Code;
        match self {
            ReadError::Empty { .. } => Code::ReadEmpty,
            ReadError::Binary { .. } => Code::ReadBinary,
            ReadError::TooLarge { .. } => Code::ReadTooLarge,
            ReadError::BadEncoding { .. } => Code::ReadBadEncoding,
            ReadError::BadDocx { .. } => Code::ReadBadDocx,
            ReadError::DocxTooLarge { .. } => Code::ReadDocxTooLarge,
            ReadError::Io { .. } => Code::ReadIo,
        }
    }
}

impl From<&ReadError> for crate::diagnostic::Diag {
    fn from(error: &ReadError) -> crate::diagnostic::Diag {
        let message = match error {
            ReadError::Io { source, .. } => format!("{error}: {source}"),
            _ => error.to_string(),
        };
        let diag = crate::diagnostic::Diag::error(error.stable_code(), message);
        match miette::Diagnostic::help(error) {
            Some(help) => diag.help(help.to_string()),
            None => diag,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use miette::Diagnostic;

    #[test]
    fn codes_are_stable_and_messages_follow_the_style() {
        let name = || "a.txt".to_string();
        let errors = [
            (ReadError::Empty { name: name() }, "empty"),
            (ReadError::Binary { name: name() }, "binary"),
            (
                ReadError::TooLarge {
                    name: name(),
                    size: 9,
                    limit: 1,
                },
                "too-large",
            ),
            (ReadError::BadEncoding { name: name() }, "bad-encoding"),
            (
                ReadError::BadDocx {
                    name: name(),
                    reason: "x".into(),
                },
                "bad-docx",
            ),
            (
                ReadError::DocxTooLarge {
                    name: name(),
                    limit: 1,
                },
                "docx-too-large",
            ),
            (
                ReadError::Io {
                    path: "a.txt".into(),
                    source: std::io::ErrorKind::NotFound.into(),
                },
                "io",
            ),
        ];
        for (error, code) in errors {
            let shown = error.code().map(|c| c.to_string());
            assert_eq!(
                shown.as_deref(),
                Some(format!("fazhi::read::{code}").as_str())
            );
            let message = error.to_string();
            assert!(message.contains("`a.txt`"), "{message}");
            assert!(!message.ends_with('.'), "{message}");
            assert!(
                message.starts_with(|c: char| !c.is_uppercase()),
                "{message}"
            );
            assert!(error.help().is_some(), "{code} has no help");
        }
    }
}
