//! The command line: argument parsing, loading, and writing results. The only module that prints
//! or decides exit codes; everything else returns values and diagnostics.

use std::collections::BTreeMap;
use std::io::{IsTerminal as _, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use rust_decimal::Decimal;

use crate::check::{self, RuleSet};
use crate::diagnostic::{Code, Diag, Source};
use crate::eval::points_text;
use crate::facts::Facts;
use crate::render;
use crate::syntax::ast::IssuerKind;
use crate::syntax::format;
use crate::{batch, extract, read, rules, score, testing};

/// Exit codes, documented in README.md.
pub const EXIT_OK: u8 = 0;
/// The score is below `--fail-under`, tests failed, or `fazhi check` found errors.
pub const EXIT_FAILED: u8 = 1;
/// Bad usage, unreadable input, or a rule set with errors when scoring.
pub const EXIT_INPUT: u8 = 2;
/// How many diagnostics one source file shows; the rest are counted in one more diagnostic.
const SHOWN_PER_FILE: usize = 50;

#[derive(Debug, Parser)]
#[command(
    name = "fazhi",
    version,
    about = "按《法治政府建设实施纲要（2021-2025年）》为法治政府建设年度报告评分，并说明每一分的来由",
    arg_required_else_help = true
)]
struct Cli {
    /// 诊断信息的颜色：auto（终端且未设 NO_COLOR、TERM 不是 dumb 时着色）、always 或 never。
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// 不显示警告和进度，只显示错误。
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Color {
    /// 终端上着色
    Auto,
    /// 总是着色
    Always,
    /// 不着色
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// 终端阅读的评分结论页（--detail 为逐条说明）
    Human,
    /// 供程序读取的 JSON
    Json,
    /// 可打印的审阅网页
    Html,
    /// 可贴入公文的 Markdown
    Markdown,
    /// 供代码审查工具读取的 SARIF 2.1.0
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExtractFormat {
    /// 供程序读取的 JSON
    Json,
    /// 可修改的事实文件，改后用 `fazhi score REPORT --facts FILE` 传回
    Toml,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Summary {
    /// 各报告一行的 CSV（UTF-8 带 BOM，Excel 可直接打开）
    Csv,
    /// 各规则一行的达标率 CSV（UTF-8 带 BOM）
    RulesCsv,
    /// Excel 工作簿：一张报告表、一张规则表（须用 -o 指定文件）
    Xlsx,
    /// 自成一体的汇总网页
    Html,
    /// 供程序读取的 JSON
    Json,
    /// 可贴入公文的 Markdown
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CompareFormat {
    /// 终端阅读的文字
    Human,
    /// 供程序读取的 JSON
    Json,
    /// 可贴入公文的 Markdown
    Markdown,
    /// 自成一体的网页
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TestFormat {
    /// 终端阅读的文字
    Human,
    /// 供程序读取的 JSON
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExplainFormat {
    /// 纯文本
    Text,
    /// Markdown（与 --all 一起使用，生成 docs/rules.md）
    Markdown,
}

/// `--issuer-kind`: whose report it is.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum IssuerKindArg {
    /// 人民政府
    Government,
    /// 政府部门（司法局等），只按其职责范围评分
    Department,
}

impl From<IssuerKindArg> for IssuerKind {
    fn from(kind: IssuerKindArg) -> IssuerKind {
        match kind {
            IssuerKindArg::Government => IssuerKind::Government,
            IssuerKindArg::Department => IssuerKind::Department,
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 为一份报告（.txt、.html、.docx）或事实文件（.toml、.json）评分；多个文件或目录按批量评分并汇总。
    Score {
        /// 报告文件、事实文件或目录；`-` 表示从标准输入读取。
        #[arg(required = true, value_name = "报告")]
        inputs: Vec<PathBuf>,
        #[command(flatten)]
        job: ScoreJob,
    },
    /// 列出从报告中找到的事实（任何网页或文档都可读取）；--text 只读一句话。
    Extract {
        /// 报告文件（.txt、.html、.docx）。
        #[arg(
            required_unless_present = "text",
            conflicts_with = "text",
            value_name = "报告"
        )]
        report: Option<PathBuf>,
        /// 只从这一句话中提取，逐个列出读到的事实、值和相符的原文（每个事实按其查找范围读这句话）。
        #[arg(long, value_name = "句子")]
        text: Option<String>,
        /// 规则文件（.fz）或其目录，可重复，按给出的顺序；没有 `ruleset` 头的是本地规则集，叠加在内置规则集之上。
        #[arg(long)]
        rules: Vec<PathBuf>,
        /// 输出格式（默认：报告为 json，--text 为逐个事实的文字）。
        #[arg(long, value_enum)]
        format: Option<ExtractFormat>,
    },
    /// 检查规则文件并列出全部问题。
    Check {
        /// 规则文件（.fz）或其目录，可多个；不给则检查内置规则集。没有 `ruleset` 头的文件作为本地规则集，与内置规则集一起检查。
        #[arg(value_name = "路径")]
        paths: Vec<PathBuf>,
    },
    /// 把规则文件（.fz）排成统一格式（保留全部注释，不改变含义）；--check 只检查不改写。
    Fmt {
        /// 规则文件（.fz）或其目录；不给则为当前目录下的 .fz 文件。
        #[arg(value_name = "路径")]
        paths: Vec<PathBuf>,
        /// 只列出需要格式化的文件，不改写；有则退出码为 1。
        #[arg(long)]
        check: bool,
    },
    /// 启动语言服务器（LSP，经标准输入输出），供编辑器检查、悬停说明、跳转定义、补全和格式化 .fz 文件。
    Lsp,
    /// 运行规则文件中写的测试。
    Test {
        /// 规则文件（.fz）或其目录，可多个；不给则用内置规则集。没有 `ruleset` 头的文件作为本地规则集，叠加在内置规则集之上。
        #[arg(value_name = "路径")]
        paths: Vec<PathBuf>,
        /// 另外提示测试少于两个的规则。
        #[arg(long)]
        coverage: bool,
        /// 只运行名称包含此文字的测试。
        #[arg(long, value_name = "文字")]
        filter: Option<String>,
        /// 逐步显示名称为此文字（或包含此文字）的测试如何得出每条规则的结果。
        #[arg(long, value_name = "测试名称")]
        trace: Option<String>,
        /// 输出格式。
        #[arg(long, value_enum, default_value_t = TestFormat::Human)]
        format: TestFormat,
    },
    /// 说明一条规则（标题、依据、读取的事实、计分方式）或一个事实（如何查找、哪些规则读取）；--all 说明全部规则。
    Explain {
        /// 规则或事实的标识，如 court_appearance。
        #[arg(required_unless_present = "all", value_name = "规则或事实")]
        rule: Option<String>,
        /// 说明全部规则。
        #[arg(long)]
        all: bool,
        /// 输出格式；markdown 只用于 --all。
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
        /// 规则文件（.fz）或其目录，可重复，按给出的顺序；没有 `ruleset` 头的是本地规则集，叠加在内置规则集之上。
        #[arg(long)]
        rules: Vec<PathBuf>,
        /// 一份报告或事实文件：说明规则时逐步显示它按这些事实如何得出结果；说明事实时给出它的值（派生事实为算出的值）。
        #[arg(long, value_name = "报告或事实文件")]
        facts: Option<PathBuf>,
    },
    /// 重新评分，核对保存的 `--format json` 输出是否仍然一致。
    Verify {
        /// 保存的 JSON 输出。
        output: PathBuf,
        /// 当初评分的报告。
        report: PathBuf,
        /// 规则文件（.fz）或其目录，可重复，按给出的顺序；没有 `ruleset` 头的是本地规则集，叠加在内置规则集之上。
        #[arg(long)]
        rules: Vec<PathBuf>,
        /// 当初使用的人工事实文件。
        #[arg(long)]
        facts: Option<PathBuf>,
    },
    /// 在浏览器中打开评分工作台：上传报告、排名、更正事实、下载结果。
    Serve {
        /// 监听的端口。
        #[arg(long, default_value_t = crate::serve::DEFAULT_PORT)]
        port: u16,
        /// 监听这个地址而不是 127.0.0.1（同一网络中的其他计算机就能访问）。
        #[arg(long)]
        bind: Option<std::net::IpAddr>,
        /// 用默认浏览器打开首页。
        #[arg(long)]
        open: bool,
        /// 规则文件（.fz）或其目录；不给则用内置规则集。
        #[arg(long)]
        rules: Vec<PathBuf>,
    },
    /// 对比同一单位两个年度的报告（或事实文件）：逐条规则说明变化及原因，以及各分项、三项数字和总分的变化。
    Compare {
        /// 上一年度的报告或事实文件。
        #[arg(value_name = "上一年度")]
        old: PathBuf,
        /// 本年度的报告或事实文件。
        #[arg(value_name = "本年度")]
        new: PathBuf,
        /// 规则文件（.fz）或其目录，可重复，按给出的顺序；没有 `ruleset` 头的是本地规则集，叠加在内置规则集之上。
        #[arg(long)]
        rules: Vec<PathBuf>,
        /// 输出格式。
        #[arg(long, value_enum, default_value_t = CompareFormat::Human)]
        format: CompareFormat,
        /// 写入此文件而不是标准输出（原子写入）；`-` 表示标准输出。
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// 输出 shell 补全脚本。
    Completions {
        /// bash、zsh、fish、elvish 或 powershell。
        shell: clap_complete::Shell,
    },
}

/// What a command writes; `main` copies it to the real streams.
pub struct Output {
    pub stdout: String,
    /// Binary output (an .xlsx workbook), written before `stdout`.
    pub stdout_bytes: Vec<u8>,
    pub stderr: String,
    pub code: u8,
}

pub fn main() -> ExitCode {
    // Colour only when both streams are a terminal, so a redirected report never holds escapes.
    let terminal = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
    let color = color_wanted(
        terminal,
        std::env::var_os("NO_COLOR").as_deref(),
        std::env::var_os("TERM").as_deref(),
    );
    let mut stdin = || {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes).map(|_| bytes)
    };
    let out = run_with_stdin(std::env::args_os(), color, &mut stdin);
    // Diagnostics first, then the result, so a summary line ends the output.
    let _ = std::io::stderr().write_all(out.stderr.as_bytes());
    let _ = std::io::stdout().write_all(&out.stdout_bytes);
    let _ = std::io::stdout().write_all(out.stdout.as_bytes());
    ExitCode::from(out.code)
}

/// Whether `--color auto` colours: on a terminal, unless `NO_COLOR` is set to something (an empty
/// value does not count, as no-color.org says) or `TERM` is `dumb`.
pub fn color_wanted(
    terminal: bool,
    no_color: Option<&std::ffi::OsStr>,
    term: Option<&std::ffi::OsStr>,
) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty()) && term.is_none_or(|t| t != "dumb")
}

/// Runs the command line `args` (program name first). `terminal_color` is whether colour would
/// be right for `--color auto`. Standard input reads as empty.
pub fn run<I, T>(args: I, terminal_color: bool) -> Output
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    run_with_stdin(args, terminal_color, &mut || Ok(Vec::new()))
}

/// [`run`] with what `-` as an input reads.
pub fn run_with_stdin<I, T>(
    args: I,
    terminal_color: bool,
    stdin: &mut dyn FnMut() -> std::io::Result<Vec<u8>>,
) -> Output
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let parsed = command()
        .try_get_matches_from(args)
        .and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e, terminal_color),
    };
    let color = match cli.color {
        Color::Auto => terminal_color,
        Color::Always => true,
        Color::Never => false,
    };
    let mut session = Session {
        stdout: String::new(),
        stdout_bytes: Vec::new(),
        stderr: String::new(),
        color,
        quiet: cli.quiet,
        terminal: terminal_color,
    };
    let code = match cli.command {
        Command::Score { inputs, job } => session.score_command(&inputs, &job, stdin),
        Command::Extract {
            report,
            text,
            rules,
            format,
        } => match (report, text) {
            (_, Some(text)) => session.extract_text(&text, &rules, format),
            (Some(report), None) => {
                session.extract(&report, &rules, format.unwrap_or(ExtractFormat::Json))
            }
            (None, None) => EXIT_INPUT,
        },
        Command::Check { paths } => session.check(&paths),
        Command::Fmt { paths, check } => session.fmt(&paths, check),
        Command::Lsp => match crate::lsp::run_stdio() {
            Ok(()) => EXIT_OK,
            Err(diag) => session.fail(&diag),
        },
        Command::Test {
            paths,
            coverage,
            filter,
            trace,
            format,
        } => session.test(
            &paths,
            &TestOptions {
                coverage,
                filter: filter.as_deref(),
                trace: trace.as_deref(),
                format,
            },
        ),
        Command::Explain {
            rule,
            all,
            format,
            rules,
            facts,
        } => match facts {
            Some(facts) if !all => session.explain_with_facts(
                rule.as_deref().unwrap_or_default(),
                &facts,
                &rules,
                format,
            ),
            _ => session.explain(rule.as_deref(), all, format, &rules, None),
        },
        Command::Verify {
            output,
            report,
            rules,
            facts,
        } => session.verify(&output, &report, &rules, facts.as_deref()),
        Command::Serve {
            port,
            bind,
            open,
            rules,
        } => session.serve(port, bind, open, &rules),
        Command::Compare {
            old,
            new,
            rules,
            format,
            output,
        } => {
            let produced = session.compare(&old, &new, &rules, format);
            session.deliver(produced, output.as_deref(), &[old, new])
        }
        Command::Completions { shell } => {
            let mut buffer = Vec::new();
            clap_complete::generate(shell, &mut command(), "fazhi", &mut buffer);
            session.stdout.push_str(&String::from_utf8_lossy(&buffer));
            EXIT_OK
        }
    };
    Output {
        stdout: session.stdout,
        stdout_bytes: session.stdout_bytes,
        stderr: session.stderr,
        code,
    }
}

/// The command line with Chinese help: headings, the help and version flags, and a template.
fn command() -> clap::Command {
    localize(<Cli as clap::CommandFactory>::command(), true)
}

fn localize(mut cmd: clap::Command, root: bool) -> clap::Command {
    use clap::{Arg, ArgAction};
    cmd = cmd
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .help_template("{about-with-newline}\n{usage-heading} {usage}\n\n{all-args}{after-help}")
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助"),
        );
    if root {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本"),
        );
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        cmd = cmd.mut_arg(id, |a| {
            let heading = if a.is_positional() {
                "参数"
            } else {
                "选项"
            };
            // clap's derive names a value after its field in capitals (`FORMAT`); a name given
            // by hand (`分数`) stays.
            let named = !a.get_action().takes_values()
                || a.get_value_names().is_some_and(|names| {
                    names
                        .iter()
                        .any(|n| n.as_str() != a.get_id().as_str().to_uppercase())
                });
            match value_name(a.get_id().as_str()) {
                Some(name) if !named => a.help_heading(heading).value_name(name),
                _ => a.help_heading(heading),
            }
        });
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, |sub| localize(sub, false));
    }
    cmd
}

/// The Chinese placeholder for an argument's value, instead of clap's upper-cased id (`<FORMAT>`).
fn value_name(id: &str) -> Option<&'static str> {
    Some(match id {
        "color" => "颜色",
        "format" => "格式",
        "output" => "文件",
        "rules" => "规则",
        "facts" => "事实文件",
        "report" => "报告",
        "path" => "路径",
        "bind" => "地址",
        "port" => "端口",
        "shell" => "shell",
        "issuer_kind" => "单位类型",
        "summary" => "汇总格式",
        _ => return None,
    })
}

/// Clap's fixed English words in help and usage, in Chinese.
fn zh_clap(text: &str) -> String {
    [
        ("Usage: ", "用法："),
        ("Usage:", "用法："),
        ("参数:\n", "参数：\n"),
        ("选项:\n", "选项：\n"),
        ("命令:\n", "命令：\n"),
        ("[OPTIONS]", "[选项]"),
        ("<COMMAND>", "<命令>"),
        ("[default: ", "[默认："),
        ("[possible values: ", "[可选值："),
        ("Possible values:", "可选值："),
        ("[aliases: ", "[别名："),
        ("[alias: ", "[别名："),
    ]
    .iter()
    .fold(text.to_string(), |t, (en, zh)| t.replace(en, zh))
}

/// `--help` and `--version` are output; bare `fazhi` shows the help on standard error with exit
/// 2 (clap's convention); every other mistake is a Chinese diagnostic.
fn clap_error(e: &clap::Error, color: bool) -> Output {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let text = |s: String| {
        let mut s = zh_clap(&s);
        if !s.ends_with('\n') {
            s.push('\n');
        }
        s
    };
    let output = |stdout: String, stderr: String, code: u8| Output {
        stdout,
        stdout_bytes: Vec::new(),
        stderr,
        code,
    };
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            return output(text(e.render().to_string()), String::new(), EXIT_OK)
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            return output(String::new(), text(e.render().to_string()), EXIT_INPUT)
        }
        _ => {}
    }
    let context = |kind: ContextKind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(list)) => list.join("、"),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(list)) => list
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("、"),
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let arg = context(ContextKind::InvalidArg);
    let value = context(ContextKind::InvalidValue);
    let message = match e.kind() {
        ErrorKind::InvalidValue => format!("`{arg}` 的值 `{value}` 无效"),
        ErrorKind::ValueValidation => format!("`{arg}` 的值 `{value}` 无效：应为数字"),
        ErrorKind::UnknownArgument => format!("未知的参数 `{arg}`"),
        ErrorKind::InvalidSubcommand => {
            format!("未知的命令 `{}`", context(ContextKind::InvalidSubcommand))
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::MissingSubcommand => "缺少命令".to_string(),
        ErrorKind::ArgumentConflict => format!(
            "`{arg}` 不能与 `{}` 同时使用",
            context(ContextKind::PriorArg)
        ),
        ErrorKind::NoEquals => format!("`{arg}` 的值须用 `=` 连接"),
        ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("`{arg}` 的值的个数不对")
        }
        ErrorKind::InvalidUtf8 => "命令行参数不是 UTF-8 文本".to_string(),
        _ => "命令行有误".to_string(),
    };
    let mut help = Vec::new();
    let valid = context(ContextKind::ValidValue);
    if !valid.is_empty() {
        let each: Vec<String> = valid.split('、').map(|v| format!("`{v}`")).collect();
        help.push(format!("可选值：{}", each.join("、")));
    }
    for kind in [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ] {
        let suggested = context(kind);
        if !suggested.is_empty() {
            let each: Vec<String> = suggested.split('、').map(|s| format!("`{s}`")).collect();
            help.push(format!("是否想用 {}？", each.join(" 或 ")));
        }
    }
    let usage = context(ContextKind::Usage);
    if !usage.is_empty() {
        help.push(zh_clap(usage.trim()));
    }
    help.push("运行 `fazhi --help` 或 `fazhi 命令 --help` 查看说明".to_string());
    let diag = Diag::error(Code::CliUsage, message).help(help.join("\n"));
    output(String::new(), render::diagnostic(&diag, color), EXIT_INPUT)
}

struct Session {
    stdout: String,
    /// Binary output (a workbook), written before `stdout`.
    stdout_bytes: Vec<u8>,
    stderr: String,
    color: bool,
    quiet: bool,
    /// Whether standard error is a terminal (for the progress bar).
    terminal: bool,
}

/// What a scoring command produced: the data to deliver and the exit code so far.
struct Produced {
    data: Vec<u8>,
    code: u8,
}

impl Produced {
    fn text(data: String, code: u8) -> Produced {
        Produced {
            data: data.into_bytes(),
            code,
        }
    }
}

/// The options of `fazhi score`.
#[derive(Debug, clap::Args)]
struct ScoreJob {
    /// 规则文件（.fz）或其目录，可重复，按给出的顺序；没有 `ruleset` 头的是本地规则集，叠加在内置规则集之上。
    #[arg(long)]
    rules: Vec<PathBuf>,
    /// 人工录入的事实文件，覆盖从报告中提取的事实。
    #[arg(long)]
    facts: Option<PathBuf>,
    /// 输出格式；批量评分时 json、html、markdown 给出相应的汇总。
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// 总分低于此值时退出码为 1（批量时任一报告低于即为 1）。
    #[arg(long, value_name = "分数")]
    fail_under: Option<Decimal>,
    /// 报告出自人民政府（government）还是政府部门（department）；默认从标题和开头判断。
    #[arg(long, value_enum)]
    issuer_kind: Option<IssuerKindArg>,
    /// 逐条说明每条规则（含规则位置、匹配表述和诊断代码），而不是一页结论。
    #[arg(long, short = 'v', visible_alias = "verbose")]
    detail: bool,
    /// 批量评分并输出汇总（多个输入时默认为 csv）。
    #[arg(long, value_enum)]
    summary: Option<Summary>,
    /// 批量评分时与此目录中上一年度的报告按发布单位配对，汇总中加上年总分和总分变化。
    #[arg(long, value_name = "目录")]
    compare_with: Option<PathBuf>,
    /// CSV 和 Excel 汇总的表头用英文标识（如 `total`）而不是中文（如「总分」）。
    #[arg(long)]
    ids: bool,
    /// 读取目录时包括其子目录。
    #[arg(long, short = 'r')]
    recursive: bool,
    /// 输入看起来不是法治政府建设年度报告时仍然评分（结果带醒目警告）。
    #[arg(long)]
    force: bool,
    /// 从标准输入（`-`）读取时报告的名称，其扩展名决定读法（如 report.html）。
    #[arg(long, value_name = "名称")]
    name: Option<String>,
    /// 写入此文件而不是标准输出（原子写入）；`-` 表示标准输出。
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// 允许事实文件的 `[report] file` 指向事实文件所在文件夹之外的报告。
    #[arg(long)]
    allow_report_outside: bool,
}

/// The options of `fazhi test`.
struct TestOptions<'a> {
    coverage: bool,
    filter: Option<&'a str>,
    trace: Option<&'a str>,
    format: TestFormat,
}

/// `-` as an input or output: standard input or output.
fn is_dash(path: &Path) -> bool {
    path.as_os_str() == "-"
}

fn usage(message: impl Into<String>, help: impl Into<String>) -> Diag {
    Diag::error(Code::CliUsage, message).help(help)
}

impl Session {
    /// Prints diagnostics, at most [`SHOWN_PER_FILE`] per source file, then one that counts the
    /// rest: 8,000 mistakes in one file must not become a gigabyte of output.
    fn report(&mut self, diags: &[Diag]) {
        let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
        for diag in diags.iter().filter(|d| d.is_error() || !self.quiet) {
            let count = shown.entry(diag.source_name()).or_default();
            *count += 1;
            if *count <= SHOWN_PER_FILE {
                self.stderr.push_str(&render::diagnostic(diag, self.color));
                self.stderr.push('\n');
            }
        }
        for (name, count) in shown.into_iter().filter(|(_, n)| *n > SHOWN_PER_FILE) {
            let file = if name.is_empty() {
                String::new()
            } else {
                format!("{name} ")
            };
            let more = Diag::advice(
                Code::CliMoreDiagnostics,
                format!("{file}还有{}条诊断未显示", count - SHOWN_PER_FILE),
            )
            .help("先改正上面显示的问题，再运行一次以查看其余的诊断");
            self.stderr.push_str(&render::diagnostic(&more, self.color));
            self.stderr.push('\n');
        }
    }

    /// Writes produced data to standard output or to `output` (`-` is standard output).
    fn deliver(
        &mut self,
        produced: Option<Produced>,
        output: Option<&Path>,
        inputs: &[PathBuf],
    ) -> u8 {
        let Some(produced) = produced else {
            return EXIT_INPUT;
        };
        match output.filter(|p| !is_dash(p)) {
            None => {
                match String::from_utf8(produced.data) {
                    Ok(text) => self.stdout.push_str(&text),
                    Err(e) => self.stdout_bytes = e.into_bytes(),
                }
                produced.code
            }
            Some(path) => match write_output(path, &produced.data, inputs) {
                Ok(()) => produced.code,
                Err(diag) => self.fail(&diag),
            },
        }
    }

    fn fail(&mut self, diag: &dyn miette::Diagnostic) -> u8 {
        self.stderr.push_str(&render::diagnostic(diag, self.color));
        EXIT_INPUT
    }

    /// Loads and checks a rule set, reporting its diagnostics; `None` when it has errors.
    fn ruleset(&mut self, paths: &[PathBuf]) -> Option<RuleSet> {
        let (sources, base_files) = match rules::layered(paths) {
            Ok(layered) => layered,
            Err(diag) => {
                self.fail(&diag);
                return None;
            }
        };
        let (ruleset, diags) = check::load_for_use(sources, base_files);
        self.report(&diags);
        ruleset
    }

    fn check(&mut self, paths: &[PathBuf]) -> u8 {
        let (sources, base_files) = match rules::layered(paths) {
            Ok(layered) => layered,
            Err(diag) => return self.fail(&diag),
        };
        let files = sources.len();
        let (ruleset, diags) = check::load_layered(sources, base_files);
        self.report(&diags);
        let errors = diags.iter().filter(|d| d.is_error()).count();
        let warnings = diags.len() - errors;
        match ruleset {
            Some(rs) if errors == 0 => {
                let rules = rs.rules().count();
                self.stdout.push_str(&format!(
                    "通过：{files} 个文件，{} 个事实，{} 个分项，{rules} 条规则，{} 个测试，{} 个例句；{warnings} 个警告\n",
                    rs.facts.len(),
                    rs.sections.len(),
                    rs.tests.len(),
                    rs.facts.values().map(|d| d.examples.len()).sum::<usize>()
                ));
                EXIT_OK
            }
            _ => {
                self.stdout
                    .push_str(&format!("{errors} 个错误，{warnings} 个警告\n"));
                EXIT_FAILED
            }
        }
    }

    /// `fazhi fmt`: formats each file in place, or with `check` lists those that would change. A
    /// file that does not parse is reported and left alone (exit 2, whatever the others do).
    fn fmt(&mut self, paths: &[PathBuf], check: bool) -> u8 {
        let current = [PathBuf::from(".")];
        let paths = if paths.is_empty() {
            &current[..]
        } else {
            paths
        };
        let (mut unchanged, mut broken, mut changed, mut refused) = (0, 0, Vec::new(), false);
        for path in paths {
            let sources = match rules::from_path(path) {
                Ok(sources) => sources,
                Err(diag) => {
                    self.fail(&diag);
                    refused = true;
                    continue;
                }
            };
            for source in sources {
                let formatted = match format::format(&source) {
                    Ok(formatted) => formatted,
                    Err(diags) => {
                        self.report(&diags);
                        self.stderr
                            .push_str(&format!("未格式化 {}：文件有语法错误\n", source.name));
                        refused = true;
                        broken += 1;
                        continue;
                    }
                };
                if formatted == *source.text {
                    unchanged += 1;
                    continue;
                }
                if !check {
                    if let Err(diag) =
                        write_output(Path::new(&source.name), formatted.as_bytes(), &[])
                    {
                        self.fail(&diag);
                        refused = true;
                        continue;
                    }
                }
                changed.push(source.name);
            }
        }
        let verb = if check {
            "需要格式化"
        } else {
            "已格式化"
        };
        for name in &changed {
            self.stdout.push_str(&format!("{verb}：{name}\n"));
        }
        let broken = if broken > 0 {
            format!("，{broken} 个文件有语法错误未格式化")
        } else {
            String::new()
        };
        self.stdout.push_str(&format!(
            "{} 个文件{verb}，{unchanged} 个文件格式无需改动{broken}\n",
            changed.len()
        ));
        if check && !changed.is_empty() {
            self.stdout
                .push_str("运行 `fazhi fmt` 加上同样的路径即可改写这些文件\n");
        }
        if refused {
            EXIT_INPUT
        } else if check && !changed.is_empty() {
            EXIT_FAILED
        } else {
            EXIT_OK
        }
    }

    fn test(&mut self, paths: &[PathBuf], options: &TestOptions) -> u8 {
        let Some(ruleset) = self.ruleset(paths) else {
            return EXIT_INPUT;
        };
        let mut results = testing::run(&ruleset);
        if let Some(filter) = options.filter {
            results.retain(|r| r.name.contains(filter));
        }
        let failed = results.iter().filter(|r| !r.passed()).count();
        let summary = format!("{} 个通过，{failed} 个失败\n", results.len() - failed);
        let code = if failed > 0 { EXIT_FAILED } else { EXIT_OK };
        let coverage = options.coverage.then(|| {
            let examples = crate::examples::run(&ruleset);
            crate::coverage::measure(&ruleset, &examples)
        });
        if options.format == TestFormat::Json {
            let tests: Vec<serde_json::Value> = results
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "name": r.name,
                        "location": testing::location(&ruleset, r.file, r.span),
                        "passed": r.passed(),
                        "failures": r.failures,
                        "details": r.details,
                    })
                })
                .collect();
            let mut out = serde_json::json!({
                "tests": tests,
                "passed": results.len() - failed,
                "failed": failed,
            });
            if let Some(coverage) = &coverage {
                out["coverage"] = crate::coverage::to_json(coverage);
            }
            self.stdout.push_str(&json_text(&out));
            return code;
        }
        for result in &results {
            if result.passed() {
                // `-q`: only failures and the summary.
                if !self.quiet {
                    self.stdout
                        .push_str(&format!("测试 {} … 通过\n", result.name));
                }
                continue;
            }
            self.stdout.push_str(&format!(
                "测试 {} … 失败\n    位置：{}\n",
                result.name,
                testing::location(&ruleset, result.file, result.span)
            ));
            for failure in &result.failures {
                self.stdout.push_str(&format!("    {failure}\n"));
            }
            for detail in &result.details {
                self.stdout.push_str(&format!("      {detail}\n"));
            }
        }
        if let Some(name) = options.trace {
            if let Err(diag) = self.trace(&ruleset, name) {
                return self.fail(&diag);
            }
        }
        if let Some(coverage) = &coverage {
            let diags = check::coverage(&ruleset);
            self.report(&diags);
            self.stdout
                .push_str(&format!("覆盖：{} 条规则的测试少于两个\n", diags.len()));
            self.stdout.push_str(&crate::coverage::to_text(coverage));
        }
        self.stdout.push_str(&summary);
        code
    }

    /// `fazhi test --trace NAME`: every step of the evaluation of the tests so named (or whose
    /// name contains NAME), for the rules they expect something of (all rules when none).
    fn trace(&mut self, ruleset: &RuleSet, name: &str) -> Result<(), Diag> {
        let exact: Vec<_> = ruleset
            .tests
            .iter()
            .filter(|t| t.name.text == name)
            .collect();
        let chosen = if exact.is_empty() {
            ruleset
                .tests
                .iter()
                .filter(|t| t.name.text.contains(name))
                .collect()
        } else {
            exact
        };
        if chosen.is_empty() {
            let names = ruleset.tests.iter().map(|t| t.name.text.as_str());
            let help = match crate::diagnostic::suggest(name, names) {
                Some(s) => format!("是否想跟踪测试「{s}」？"),
                None => "`fazhi test` 列出全部测试的名称".into(),
            };
            return Err(usage(format!("没有名为「{name}」的测试"), help));
        }
        for test in chosen {
            let card = crate::eval::evaluate(ruleset, &testing::given_facts(ruleset, test));
            self.stdout.push_str(&format!(
                "跟踪 测试 {}（{}）\n",
                test.name.text,
                testing::location(ruleset, test.file, test.name.span)
            ));
            let expected: Vec<&str> = test
                .expectations
                .iter()
                .filter_map(|e| match e {
                    crate::syntax::ast::Expectation::Rule { rule, .. } => Some(rule.name.as_str()),
                    _ => None,
                })
                .collect();
            for result in &card.rules {
                let Some(rule) = ruleset
                    .sections
                    .get(result.section)
                    .and_then(|s| s.rules.get(result.rule))
                else {
                    continue;
                };
                if expected.is_empty() || expected.contains(&rule.id.name.as_str()) {
                    self.stdout
                        .push_str(&crate::explain::trace(ruleset, result));
                }
            }
            self.stdout.push_str(&format!(
                "总分 {}，等级 {}\n",
                points_text(card.total),
                card.grade
            ));
        }
        Ok(())
    }

    fn explain(
        &mut self,
        rule_id: Option<&str>,
        all: bool,
        format: ExplainFormat,
        rules: &[PathBuf],
        facts: Option<&Path>,
    ) -> u8 {
        if !all && format == ExplainFormat::Markdown {
            return self.fail(&usage(
                "`--format markdown` 只用于 `--all`",
                "说明一条规则或一个事实时只有文本格式；生成全部规则的文档：`fazhi explain --all --format markdown`",
            ));
        }
        if all && rule_id.is_some() {
            return self.fail(&usage(
                "`--all` 不能与规则标识同时使用",
                "说明一条规则：`fazhi explain 规则标识`；说明全部：`fazhi explain --all`",
            ));
        }
        let Some(ruleset) = self.ruleset(rules) else {
            return EXIT_INPUT;
        };
        let scored = match facts.map(|path| score::score_path(&ruleset, path, None)) {
            None => None,
            Some(Ok(scored)) => Some(scored),
            Some(Err(diags)) => {
                self.report(&diags);
                return EXIT_INPUT;
            }
        };
        if all {
            self.stdout.push_str(&match format {
                ExplainFormat::Markdown => crate::explain::all_markdown(&ruleset),
                ExplainFormat::Text => ruleset
                    .rules()
                    .filter_map(|(_, r)| crate::explain::rule(&ruleset, &r.id.name))
                    .collect::<Vec<_>>()
                    .join("\n"),
            });
            return EXIT_OK;
        }
        let id = rule_id.unwrap_or_default();
        let explained = crate::explain::rule(&ruleset, id).or_else(|| {
            let fact = crate::explain::fact_with(&ruleset, id, scored.as_ref().map(|s| &s.facts));
            match (crate::explain::disabled(&ruleset, id), fact) {
                (Some(off), Some(fact)) => Some(format!("{off}\n{fact}")),
                (off, fact) => off.or(fact),
            }
        });
        match explained {
            Some(text) => {
                self.stdout.push_str(&text);
                EXIT_OK
            }
            None => {
                let names = ruleset
                    .rules()
                    .map(|(_, r)| r.id.name.as_str())
                    .chain(ruleset.facts.keys().map(String::as_str));
                let help = match crate::diagnostic::suggest(id, names) {
                    Some(s) => format!("是否想查 `{s}`？"),
                    None => "`fazhi explain --all` 列出全部规则".into(),
                };
                self.fail(&usage(format!("没有规则或事实 `{id}`"), help))
            }
        }
    }

    /// `fazhi explain RULE --facts FILE`: the rule in words, then each step of its evaluation
    /// on the facts of FILE; for a fact, its value in FILE (a report or a facts file).
    fn explain_with_facts(
        &mut self,
        id: &str,
        path: &Path,
        rules: &[PathBuf],
        format: ExplainFormat,
    ) -> u8 {
        let Some(ruleset) = self.ruleset(rules) else {
            return EXIT_INPUT;
        };
        if ruleset.facts.contains_key(id) {
            return self.explain(Some(id), false, format, rules, Some(path));
        }
        if ruleset.rule(id).is_none() {
            let names = ruleset.rules().map(|(_, r)| r.id.name.as_str());
            let help = match crate::diagnostic::suggest(id, names) {
                Some(s) => format!("是否想查 `{s}`？"),
                None => "`fazhi explain --all` 列出全部规则".into(),
            };
            return self.fail(&usage(format!("没有规则 `{id}`"), help));
        }
        let bytes = match read::read_path_bytes(path) {
            Ok(bytes) => bytes,
            Err(e) => return self.fail(&Diag::from(&e)),
        };
        let mut diags = Vec::new();
        let file = score::facts_file(&ruleset, &path.display().to_string(), &bytes, &mut diags);
        self.report(&diags);
        let Some((file, _)) = file else {
            return EXIT_INPUT;
        };
        let card = crate::eval::evaluate(&ruleset, &file.facts);
        let result = card.rules.iter().find(|r| {
            ruleset
                .sections
                .get(r.section)
                .and_then(|s| s.rules.get(r.rule))
                .is_some_and(|rule| rule.id.name == id)
        });
        self.stdout
            .push_str(&crate::explain::rule(&ruleset, id).unwrap_or_default());
        if let Some(result) = result {
            self.stdout.push('\n');
            self.stdout
                .push_str(&crate::explain::trace(&ruleset, result));
        }
        EXIT_OK
    }

    /// `fazhi extract --text "…"`: the facts one sentence states, with the matched words.
    fn extract_text(&mut self, text: &str, rules: &[PathBuf], format: Option<ExtractFormat>) -> u8 {
        let Some(ruleset) = self.ruleset(rules) else {
            return EXIT_INPUT;
        };
        let Some((document, facts)) = extract::sentence(&ruleset, text) else {
            return self.fail(&usage(
                "句子为空或过长，无法读取",
                "给出一句报告原文，如 `fazhi extract --text \"行政机关负责人出庭应诉率达100%。\"`",
            ));
        };
        match format {
            Some(ExtractFormat::Json) => {
                self.stdout.push_str(&extract::to_json(&ruleset, &facts));
                return EXIT_OK;
            }
            Some(ExtractFormat::Toml) => {
                let source = Source::new(document.name.clone(), document.source.clone());
                self.stdout
                    .push_str(&extract::to_toml(&ruleset, &facts, &source));
                return EXIT_OK;
            }
            None => {}
        }
        let mut found = 0;
        for (id, decl) in &ruleset.facts {
            let Some(fact) = facts.get(id) else {
                continue;
            };
            found += 1;
            let (quote, at) = fact
                .evidence
                .as_ref()
                .map_or((String::new(), String::new()), |e| {
                    let from = document.source[..e.span.start.min(document.source.len())]
                        .chars()
                        .count();
                    let to = from + e.quote.chars().count();
                    (e.quote.clone(), format!("第 {} 至 {} 字", from + 1, to))
                });
            self.stdout.push_str(&format!(
                "{id}（{}）= {}\n    相符的原文：「{quote}」（{at}）\n",
                decl.label.text, fact.value
            ));
        }
        if found == 0 {
            self.stdout.push_str("这句话中没有读到任何事实\n");
        }
        EXIT_OK
    }

    /// Reads a report file and extracts its facts.
    fn read_report(
        &mut self,
        ruleset: &RuleSet,
        path: &Path,
    ) -> Option<(Source, Facts, Vec<Diag>)> {
        let document = match read::read_path(path) {
            Ok(document) => document,
            Err(e) => {
                self.fail(&Diag::from(&e));
                return None;
            }
        };
        let extraction = extract::extract(ruleset, &document);
        let source = Source::new(document.name.clone(), document.source.clone());
        Some((source, extraction.facts, extraction.diags))
    }

    fn extract(&mut self, path: &Path, rules: &[PathBuf], format: ExtractFormat) -> u8 {
        let Some(ruleset) = self.ruleset(rules) else {
            return EXIT_INPUT;
        };
        let Some((source, facts, diags)) = self.read_report(&ruleset, path) else {
            return EXIT_INPUT;
        };
        self.report(&diags);
        self.stdout.push_str(&match format {
            ExtractFormat::Toml => extract::to_toml(&ruleset, &facts, &source),
            ExtractFormat::Json => extract::to_json(&ruleset, &facts),
        });
        EXIT_OK
    }

    /// `fazhi score`: checks the options against each other, then scores one report or a batch.
    fn score_command(
        &mut self,
        inputs: &[PathBuf],
        job: &ScoreJob,
        stdin: &mut dyn FnMut() -> std::io::Result<Vec<u8>>,
    ) -> u8 {
        let batch = job.summary.is_some() || inputs.len() > 1 || inputs.iter().any(|p| p.is_dir());
        let dash = inputs.iter().any(|p| is_dash(p));
        let refused = if dash && inputs.len() > 1 {
            Some(usage(
                "标准输入（`-`）只能单独评分",
                "把多份报告作为文件或目录给出",
            ))
        } else if job.name.is_some() && !dash {
            Some(usage(
                "`--name` 只用于从标准输入（`-`）读取",
                "去掉 `--name`，或用 `-` 从标准输入读取报告",
            ))
        } else if batch && job.facts.is_some() {
            Some(usage(
                "批量评分不能使用 `--facts`",
                "人工事实文件只对应一份报告：单独为该报告评分",
            ))
        } else if batch && job.detail {
            Some(usage(
                "批量评分没有逐条说明（`--detail`）",
                "单独为一份报告评分以查看逐条说明",
            ))
        } else if !batch && job.compare_with.is_some() {
            Some(usage(
                "`--compare-with` 只用于批量评分",
                "对比一份报告的两个年度：`fazhi compare 上一年度 本年度`",
            ))
        } else if !batch && job.ids {
            Some(usage(
                "`--ids` 只用于 CSV 和 Excel 汇总",
                "与 `--summary csv`、`--summary rules-csv` 或 `--summary xlsx` 一起使用",
            ))
        } else if !batch && job.recursive {
            Some(usage(
                "`--recursive` 只用于目录",
                "给出一个目录，或去掉 `--recursive`",
            ))
        } else if job.detail && job.format.is_some_and(|f| f != Format::Human) {
            Some(usage(
                "`--detail` 只用于终端输出",
                "机读格式已包含每条规则；去掉 `--detail`",
            ))
        } else {
            None
        };
        if let Some(diag) = refused {
            return self.fail(&diag);
        }
        let Some(ruleset) = self.ruleset(&job.rules) else {
            return EXIT_INPUT;
        };
        if let Some(limit) = job.fail_under {
            if limit < Decimal::ZERO || limit > ruleset.total {
                return self.fail(&usage(
                    format!(
                        "`--fail-under {}` 超出总分范围 0 至 {}",
                        limit.normalize(),
                        ruleset.total.normalize()
                    ),
                    "给出 0 至满分之间的分数，如 `--fail-under 60`",
                ));
            }
        }
        let produced = if batch {
            match batch_format(job.format, job.summary) {
                Ok(summary) => self.batch(inputs, &ruleset, job, summary),
                Err(diag) => {
                    self.fail(&diag);
                    None
                }
            }
        } else if job.format == Some(Format::Human) || job.format.is_none() {
            self.score(&inputs[0], &ruleset, job, Format::Human, stdin)
        } else {
            self.score(
                &inputs[0],
                &ruleset,
                job,
                job.format.unwrap_or(Format::Human),
                stdin,
            )
        };
        if produced.as_ref().is_some_and(|p| p.data.starts_with(b"PK"))
            && job.output.as_deref().is_none_or(is_dash)
            && self.terminal
        {
            return self.fail(&usage(
                "Excel 工作簿不能输出到终端",
                "用 `-o 汇总.xlsx` 写入文件",
            ));
        }
        self.deliver(produced, job.output.as_deref(), inputs)
    }

    fn score(
        &mut self,
        input: &Path,
        ruleset: &RuleSet,
        job: &ScoreJob,
        format: Format,
        stdin: &mut dyn FnMut() -> std::io::Result<Vec<u8>>,
    ) -> Option<Produced> {
        let result = if is_dash(input) {
            let bytes = match stdin() {
                Ok(bytes) => bytes,
                Err(e) => {
                    self.fail(
                        &Diag::error(
                            Code::CliIo,
                            format!("无法读取标准输入：{}", crate::diagnostic::io_reason(&e)),
                        )
                        .help("用管道或重定向提供报告，如 `fazhi score - < 报告.txt`"),
                    );
                    return None;
                }
            };
            let name = job.name.as_deref().unwrap_or("标准输入.txt").to_string();
            let corrections = match job.facts.as_deref() {
                Some(path) => match crate::read::read_path_bytes(path) {
                    Ok(bytes) => Some((path.display().to_string(), bytes)),
                    Err(e) => {
                        self.report(&[Diag::from(&e)]);
                        return None;
                    }
                },
                None => None,
            };
            // A facts file on standard input names its report relative to this directory.
            let find_report = |file: &str| {
                crate::read::read_path(Path::new(file))
                    .map(|doc| Source::new(file.to_string(), doc.source))
                    .map_err(|e| format!("无法读取报告 `{file}`：{e}"))
            };
            score::score_bytes(
                ruleset,
                &name,
                &bytes,
                corrections
                    .as_ref()
                    .map(|(n, b)| (n.as_str(), b.as_slice())),
                job.issuer_kind.map(IssuerKind::from),
                &find_report,
            )
        } else {
            let options = score::Options {
                report_outside: job.allow_report_outside,
                issuer_kind: job.issuer_kind.map(IssuerKind::from),
            };
            score::score_path_with(ruleset, input, job.facts.as_deref(), options)
        };
        let mut scored = match result {
            Ok(scored) => scored,
            Err(diags) => {
                self.report(&diags);
                return None;
            }
        };
        if let Some(why) = scored.not_a_report() {
            let diag = not_a_report(&scored.info.name, &why, job.force);
            if !job.force {
                self.report(&[diag]);
                return None;
            }
            scored.warnings.insert(0, diag);
        }
        self.report(&scored.warnings);
        let ctx = scored.context(ruleset);
        let data = match format {
            Format::Json => json_text(&render::json::score(&ctx)),
            Format::Sarif => json_text(&render::sarif::score(&ctx)),
            Format::Markdown => render::markdown::score(&ctx),
            Format::Html => render::html::score(&ctx),
            Format::Human => render::human::score(
                &ctx,
                &render::human::Options {
                    detail: job.detail,
                    color: self.color,
                },
            ),
        };
        let code = match job.fail_under {
            Some(limit) if scored.card.total < limit => {
                self.stderr.push_str(&format!(
                    "总分 {} 低于 --fail-under {}\n",
                    points_text(scored.card.total),
                    limit.normalize()
                ));
                EXIT_FAILED
            }
            _ => EXIT_OK,
        };
        Some(Produced::text(data, code))
    }

    fn batch(
        &mut self,
        inputs: &[PathBuf],
        ruleset: &RuleSet,
        job: &ScoreJob,
        summary: Summary,
    ) -> Option<Produced> {
        let found = batch::inputs(inputs, job.recursive);
        for skipped in &found.skipped {
            if !self.quiet {
                self.stderr.push_str(&format!(
                    "跳过 {}：{}\n",
                    skipped.path.display(),
                    skipped.why
                ));
            }
        }
        if found.files.is_empty() {
            self.fail(&usage(
                "没有可评分的报告",
                "给出报告文件，或含有 .txt、.html、.docx 报告的目录（子目录用 --recursive）",
            ));
            return None;
        }
        let progress = (self.terminal && !self.quiet).then(|| {
            let bar = indicatif::ProgressBar::new(found.files.len() as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        let tick = || {
            if let Some(bar) = &progress {
                bar.inc(1);
            }
        };
        let kind = job.issuer_kind.map(IssuerKind::from);
        let mut result = batch::score_all(ruleset, &found.files, job.force, kind, &tick);
        if let Some(bar) = progress {
            bar.finish_and_clear();
        }
        if let Some(dir) = &job.compare_with {
            let earlier = batch::inputs(std::slice::from_ref(dir), job.recursive);
            if earlier.files.is_empty() {
                self.fail(&usage(
                    format!("`{}` 中没有可对比的报告", dir.display()),
                    "`--compare-with` 给出存放上一年度报告的目录",
                ));
                return None;
            }
            let previous = batch::score_all(ruleset, &earlier.files, job.force, kind, &|| {});
            batch::pair_with(&mut result, &previous);
        }
        for failure in &result.failures {
            self.stderr
                .push_str(&format!("未评分 {}：\n", failure.file));
            self.report(&failure.diags);
        }
        for row in &result.rows {
            if let Some(warning) = &row.not_a_report {
                self.stderr.push_str(&format!(
                    "！！ 注意：{}：{warning}（因 --force 仍已评分）\n",
                    row.file
                ));
            }
        }
        let data = match summary {
            Summary::Csv => batch::to_csv(ruleset, &result, job.ids).into_bytes(),
            Summary::RulesCsv => batch::to_rules_csv(ruleset, &result, job.ids).into_bytes(),
            Summary::Markdown => batch::to_markdown(ruleset, &result).into_bytes(),
            Summary::Json => json_text(&batch::to_json(ruleset, &result)).into_bytes(),
            Summary::Xlsx => match batch::to_xlsx(ruleset, &result, job.ids) {
                Ok(bytes) => bytes,
                Err(e) => {
                    self.fail(
                        &Diag::error(Code::CliIo, format!("无法生成 Excel 工作簿：{e}"))
                            .help("这是 fazhi 的缺陷，请报告"),
                    );
                    return None;
                }
            },
            Summary::Html => match batch::to_html(ruleset, &result) {
                Ok(html) => html.into_bytes(),
                Err(e) => {
                    self.fail(
                        &Diag::error(Code::CliIo, format!("无法生成汇总网页：{e}"))
                            .help("这是 fazhi 汇总模板的缺陷，请报告"),
                    );
                    return None;
                }
            },
        };
        let mut code = if result.failures.is_empty() {
            EXIT_OK
        } else {
            EXIT_INPUT
        };
        if let Some(limit) = job.fail_under {
            let below: Vec<String> = result
                .rows
                .iter()
                .filter(|r| r.total < limit)
                .map(|r| format!("{}（{}）", r.file, points_text(r.total)))
                .collect();
            if !below.is_empty() {
                self.stderr.push_str(&format!(
                    "{} 份报告的总分低于 --fail-under {}：{}\n",
                    below.len(),
                    limit.normalize(),
                    below.join("、")
                ));
                if code == EXIT_OK {
                    code = EXIT_FAILED;
                }
            }
        }
        self.stderr.push_str(&format!(
            "已评分 {} 份，拒绝 {} 份，跳过 {} 项\n",
            result.rows.len(),
            result.failures.len(),
            found.skipped.len()
        ));
        Some(Produced { data, code })
    }

    /// Runs the workbench until the process is stopped. Messages are printed at once, since the
    /// command does not return while it serves.
    fn serve(
        &mut self,
        port: u16,
        bind: Option<std::net::IpAddr>,
        open: bool,
        rules: &[PathBuf],
    ) -> u8 {
        let Some(ruleset) = self.ruleset(rules) else {
            return EXIT_INPUT;
        };
        let ip = bind.unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
        let addr = std::net::SocketAddr::new(ip, port);
        if !crate::serve::is_local(ip) {
            self.report(&[crate::serve::exposed_warning(addr)]);
        }
        let listener = match crate::serve::bind(addr) {
            Ok(listener) => listener,
            Err(diag) => return self.fail(&diag),
        };
        let shown = listener.local_addr().unwrap_or(addr);
        let url = if ip.is_unspecified() {
            format!("http://127.0.0.1:{}/", shown.port())
        } else {
            format!("http://{shown}/")
        };
        self.stderr.push_str(&format!(
            "fazhi 评分工作台：{url}\n报告只保存在内存中，重启后清空。按 Ctrl-C 停止。\n"
        ));
        let _ = std::io::stderr().write_all(std::mem::take(&mut self.stderr).as_bytes());
        if open {
            open_browser(&url);
        }
        match crate::serve::run(ruleset, listener) {
            Ok(()) => EXIT_OK,
            Err(diag) => self.fail(&diag),
        }
    }

    fn compare(
        &mut self,
        old: &Path,
        new: &Path,
        rules: &[PathBuf],
        format: CompareFormat,
    ) -> Option<Produced> {
        let ruleset = self.ruleset(rules)?;
        let mut scored = Vec::new();
        for path in [old, new] {
            match score::score_path(&ruleset, path, None) {
                Ok(s) => {
                    self.report(&s.warnings);
                    scored.push(s);
                }
                Err(diags) => {
                    self.report(&diags);
                    return None;
                }
            }
        }
        let [a, b] = scored.as_slice() else {
            return None;
        };
        let (x, y) = (a.context(&ruleset), b.context(&ruleset));
        let comparison = render::compare::compare(&x, &y);
        let data = match format {
            CompareFormat::Human => render::compare::human(&comparison),
            CompareFormat::Json => json_text(&render::compare::to_json(&comparison)),
            CompareFormat::Markdown => render::compare::markdown(&comparison),
            CompareFormat::Html => render::compare::html(&comparison),
        };
        Some(Produced::text(data, EXIT_OK))
    }

    fn verify(
        &mut self,
        output: &Path,
        report: &Path,
        rules: &[PathBuf],
        corrections: Option<&Path>,
    ) -> u8 {
        let Some(ruleset) = self.ruleset(rules) else {
            return EXIT_INPUT;
        };
        let saved: serde_json::Value = match std::fs::read_to_string(output)
            .map_err(|e| crate::diagnostic::io_reason(&e))
            .and_then(|t| {
                serde_json::from_str(&t).map_err(|e| crate::facts::json_problem_in_chinese(&e))
            }) {
            Ok(value) => value,
            Err(e) => {
                return self.fail(
                    &Diag::error(
                        Code::CliIo,
                        format!("无法把 `{}` 读作 fazhi 的 JSON 输出：{e}", output.display()),
                    )
                    .help("给出 `fazhi score --format json` 写出的文件"),
                )
            }
        };
        let scored = match score::score_path(&ruleset, report, corrections) {
            Ok(scored) => scored,
            Err(diags) => {
                self.report(&diags);
                return EXIT_INPUT;
            }
        };
        let fresh = render::json::score(&scored.context(&ruleset));
        let differences = crate::verify::differences(&saved, &fresh);
        if differences.is_empty() {
            self.stdout.push_str(&format!(
                "核对一致：{} 与 {} 的重新评分相符（总分 {}，等级 {}）\n",
                output.display(),
                report.display(),
                points_text(scored.card.total),
                scored.card.grade
            ));
            EXIT_OK
        } else {
            self.stdout.push_str(&format!(
                "不一致：{} 与 {} 的重新评分不同\n",
                output.display(),
                report.display()
            ));
            for difference in differences {
                self.stdout.push_str(&format!("  {difference}\n"));
            }
            EXIT_FAILED
        }
    }
}

/// Opens `url` in the default browser; failing that, the printed address is enough.
fn open_browser(url: &str) {
    let command = if cfg!(target_os = "windows") {
        std::process::Command::new("cmd")
            .args(["/C", "start", "", url])
            .spawn()
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    let _ = command;
}

/// The diagnostic for an input that does not look like an annual report: an error, or with
/// `--force` a warning.
fn not_a_report(name: &str, why: &str, force: bool) -> Diag {
    let message = format!("`{name}` 看起来不是法治政府建设年度报告：{why}");
    if force {
        Diag::warning(
            Code::ScoreNotAReport,
            format!("{message}；因 --force 仍已评分，结果不代表报告质量"),
        )
        .help("确认输入的是法治政府建设年度报告")
    } else {
        Diag::error(Code::ScoreNotAReport, message)
            .help("确实要评分时加 `--force`；要从其他文件中提取事实，用 `fazhi extract`")
    }
}

/// The summary a batch gives: `--summary`, or what `--format` asks for; a format a summary cannot
/// take is refused, never replaced.
fn batch_format(format: Option<Format>, summary: Option<Summary>) -> Result<Summary, Diag> {
    let from_format = match format {
        None => None,
        Some(Format::Json) => Some(Summary::Json),
        Some(Format::Html) => Some(Summary::Html),
        Some(Format::Markdown) => Some(Summary::Markdown),
        Some(other @ (Format::Human | Format::Sarif)) => {
            let name = if other == Format::Human {
                "human"
            } else {
                "sarif"
            };
            return Err(usage(
                format!("批量评分没有 `--format {name}` 格式"),
                "批量评分给出汇总：`--summary csv|rules-csv|xlsx|html|json|markdown`；单独评分一份报告可得逐份结论",
            ));
        }
    };
    match (from_format, summary) {
        (Some(f), Some(s)) if f != s => Err(usage(
            "`--format` 与 `--summary` 要求的格式不同",
            "批量评分只给一种汇总：只用 `--summary`",
        )),
        (f, s) => Ok(s.or(f).unwrap_or(Summary::Csv)),
    }
}

pub(crate) fn json_text(value: &serde_json::Value) -> String {
    format!(
        "{}\n",
        serde_json::to_string_pretty(value).unwrap_or_default()
    )
}

/// Writes `data` to `path` so that an interrupted run never leaves half a file: through a
/// temporary file in the same directory renamed over it. An existing file keeps its mode; a new
/// one gets the usual mode (0666 less the umask). A symbolic link is written through (its target
/// is replaced), a device or pipe (`/dev/null`, `/dev/stdout`) is written to directly, and an
/// input of this run is never overwritten.
fn write_output(path: &Path, data: &[u8], inputs: &[PathBuf]) -> Result<(), Diag> {
    let fail = |e: &std::io::Error| {
        Diag::error(
            Code::CliIo,
            format!(
                "无法写入 `{}`：{}",
                path.display(),
                crate::diagnostic::io_reason(e)
            ),
        )
        .help("检查目录是否存在、是否可写")
    };
    let target = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path).map_err(|e| {
            Diag::error(
                Code::CliIo,
                format!(
                    "`{}` 是指向不存在文件的符号链接：{}",
                    path.display(),
                    crate::diagnostic::io_reason(&e)
                ),
            )
            .help("给出一个普通文件，或先修好链接")
        })?,
        _ => path.to_path_buf(),
    };
    let existing = std::fs::metadata(&target).ok();
    if existing.is_some() {
        let canonical = std::fs::canonicalize(&target).map_err(|e| fail(&e))?;
        if inputs
            .iter()
            .filter_map(|i| std::fs::canonicalize(i).ok())
            .any(|i| i == canonical)
        {
            return Err(Diag::error(
                Code::CliIo,
                format!("不能把结果写到输入文件 `{}` 上", path.display()),
            )
            .help("用 `-o` 指定另一个文件"));
        }
    }
    match &existing {
        Some(meta) if meta.is_dir() => Err(fail(&std::io::ErrorKind::IsADirectory.into())),
        Some(meta) if !meta.is_file() => std::fs::OpenOptions::new()
            .write(true)
            .open(&target)
            .and_then(|mut f| f.write_all(data))
            .map_err(|e| fail(&e)),
        _ => {
            let dir = target
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let file_name = target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let temp = dir.join(format!(".{file_name}.fazhi-{}.tmp", std::process::id()));
            let written = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temp)
                .and_then(|mut f| {
                    f.write_all(data)?;
                    f.sync_all()
                })
                .and_then(|()| match &existing {
                    Some(meta) => std::fs::set_permissions(&temp, meta.permissions()),
                    None => Ok(()),
                })
                .and_then(|()| std::fs::rename(&temp, &target));
            if let Err(e) = written {
                let _ = std::fs::remove_file(&temp);
                return Err(fail(&e));
            }
            Ok(())
        }
    }
}
