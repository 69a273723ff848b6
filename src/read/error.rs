//! Errors of the `read` stage: every way a file can fail to become text.

use std::path::PathBuf;

/// Why an input could not be read. Each variant has a stable code `fazhi::read::<kind>`.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ReadError {
    #[error("`{name}` 中没有文字")]
    #[diagnostic(
        code("fazhi::read::empty"),
        help("确认文件里是报告本身；正文为空的网页或 docx 读出来是空的")
    )]
    Empty { name: String },

    #[error("`{name}` 看起来是二进制文件，不是报告")]
    #[diagnostic(
        code("fazhi::read::binary"),
        help("以 .txt、.html 或 .docx 提供报告；PDF 或 .doc 请先转换成其中一种")
    )]
    Binary { name: String },

    #[error("`{name}` 太大（{size} 字节，上限 {limit} 字节）")]
    #[diagnostic(
        code("fazhi::read::too-large"),
        help("年度报告远小于此；确认文件是否正确，或只保留报告部分")
    )]
    TooLarge {
        name: String,
        size: u64,
        limit: usize,
    },

    #[error("无法按 UTF-8、UTF-16 或 GB18030 解码 `{name}`")]
    #[diagnostic(
        code("fazhi::read::bad-encoding"),
        help("把文件另存为 UTF-8 编码（多数编辑器：另存为，编码选 UTF-8）")
    )]
    BadEncoding { name: String },

    #[error("`{name}` 不是可读取的 docx：{reason}")]
    #[diagnostic(
        code("fazhi::read::bad-docx"),
        help("用 Word 或 WPS 打开后重新保存为 .docx，或把报告另存为 .txt")
    )]
    BadDocx { name: String, reason: String },

    #[error("`{name}` 解压后的正文超过 {limit} 字节")]
    #[diagnostic(
        code("fazhi::read::docx-too-large"),
        help("这不是普通的报告（可能是压缩炸弹）；请把报告另存为 .txt")
    )]
    DocxTooLarge { name: String, limit: usize },

    #[error("无法读取 `{}`", path.display())]
    #[diagnostic(code("fazhi::read::io"), help("确认路径存在且有读取权限"))]
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
            ReadError::Io { source, .. } => {
                format!("{error}：{}", crate::diagnostic::io_reason(source))
            }
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
