//! The command line: argument parsing, loading, and writing results. The only module that prints
//! or decides exit codes; everything else returns values and diagnostics.

use std::io::{IsTerminal as _, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use rust_decimal::Decimal;

use crate::syntax::ast::IssuerKind;
use crate::check::{self, RuleSet};
use crate::diagnostic::{Code, Diag, Source};
use crate::eval::points_text;
use crate::facts::Facts;
use crate::render;
use crate::{batch, extract, read, rules, score, testing};

/// Exit codes, documented in README.md.
pub const EXIT_OK: u8 = 0;
/// The score is below `--fail-under`, tests failed, or `fazhi check` found errors.
pub const EXIT_FAILED: u8 = 1;
/// Bad usage, unreadable input, or a rule set with errors when scoring.
pub const EXIT_INPUT: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "fazhi",
    version,
    about = "Scores 法治政府建设年度报告 against the 2021–2025 Outline and explains every point"
)]
struct Cli {
    /// Colour in diagnostics: auto (a terminal without NO_COLOR), always or never.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Print no warnings or progress; errors are still printed.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
    Html,
    Markdown,
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExtractFormat {
    Json,
    /// A facts file to correct and pass back with `fazhi score REPORT --facts FILE`.
    Toml,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Summary {
    Csv,
    Html,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExplainFormat {
    Text,
    Markdown,
}

/// `--issuer-kind`: whose report it is.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum IssuerKindArg {
    /// 人民政府
    Government,
    /// 政府部门(司法局等),只按其职责范围评分
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
    /// Score a report (.txt, .html, .docx) or a facts file (.toml, .json); several files or a
    /// directory score as a batch with a summary.
    Score {
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// A `.fz` file or directory; the embedded default rule set otherwise.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Facts entered by hand; they override what is extracted from the report.
        #[arg(long)]
        facts: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Exit 1 when the total is below this.
        #[arg(long)]
        fail_under: Option<Decimal>,
        /// 报告出自人民政府(government)还是政府部门(department);默认从标题和开头判断。
        #[arg(long, value_enum)]
        issuer_kind: Option<IssuerKindArg>,
        /// Show passing and not-applicable rules too.
        #[arg(long, short)]
        verbose: bool,
        /// Score all inputs as a batch and print a comparison (the default for several inputs).
        #[arg(long, value_enum)]
        summary: Option<Summary>,
        /// Write the output to this file (atomically) instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Print the facts found in a report.
    Extract {
        report: PathBuf,
        #[arg(long)]
        rules: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = ExtractFormat::Json)]
        format: ExtractFormat,
    },
    /// Check rule files and report every problem.
    Check {
        /// A `.fz` file or directory; the embedded default rule set otherwise.
        path: Option<PathBuf>,
    },
    /// Run the tests written in rule files.
    Test {
        path: Option<PathBuf>,
        /// Also warn about rules exercised by fewer than two tests.
        #[arg(long)]
        coverage: bool,
        /// Run only the tests whose name contains this text.
        #[arg(long)]
        filter: Option<String>,
    },
    /// Explain a rule (title, citation, facts read, scoring in words) or a fact (how it is found,
    /// which rules read it); every rule with `--all`.
    Explain {
        #[arg(required_unless_present = "all")]
        rule: Option<String>,
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Re-score a report and say whether a saved `--format json` output still matches it.
    Verify {
        output: PathBuf,
        report: PathBuf,
        #[arg(long)]
        rules: Option<PathBuf>,
        #[arg(long)]
        facts: Option<PathBuf>,
    },
    /// Open the workbench in the browser: upload reports, rank them, correct facts, download.
    Serve {
        #[arg(long, default_value_t = crate::serve::DEFAULT_PORT)]
        port: u16,
        /// Listen on this address instead of 127.0.0.1 (other machines can then reach it).
        #[arg(long)]
        bind: Option<std::net::IpAddr>,
        /// Open the start page in the default browser.
        #[arg(long)]
        open: bool,
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Print shell completions.
    Completions { shell: clap_complete::Shell },
}

/// What a command writes; `main` copies it to the real streams.
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
}

pub fn main() -> ExitCode {
    // Colour only when both streams are a terminal, so a redirected report never holds escapes.
    let terminal = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
    let out = run(
        std::env::args_os(),
        terminal && std::env::var_os("NO_COLOR").is_none(),
    );
    // Diagnostics first, then the result, so a summary line ends the output.
    let _ = std::io::stderr().write_all(out.stderr.as_bytes());
    let _ = std::io::stdout().write_all(out.stdout.as_bytes());
    ExitCode::from(out.code)
}

/// Runs the command line `args` (program name first). `terminal_color` is whether colour would
/// be right for `--color auto`.
pub fn run<I, T>(args: I, terminal_color: bool) -> Output
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        // `--help` and `--version` are output, not errors.
        Err(e) if !e.use_stderr() => {
            let mut stdout = e.to_string();
            if !stdout.ends_with('\n') {
                stdout.push('\n');
            }
            return Output {
                stdout,
                stderr: String::new(),
                code: EXIT_OK,
            };
        }
        Err(e) => {
            let diag = usage_error(&e.render().to_string());
            return Output {
                stdout: String::new(),
                stderr: render::diagnostic(&diag, terminal_color),
                code: EXIT_INPUT,
            };
        }
    };
    let color = match cli.color {
        Color::Auto => terminal_color,
        Color::Always => true,
        Color::Never => false,
    };
    let mut session = Session {
        stdout: String::new(),
        stderr: String::new(),
        color,
        quiet: cli.quiet,
        terminal: terminal_color,
    };
    let code = match cli.command {
        Command::Score {
            inputs,
            rules,
            facts,
            format,
            fail_under,
            issuer_kind,
            verbose,
            summary,
            output,
        } => {
            let batch = summary.is_some() || inputs.len() > 1 || inputs.iter().any(|p| p.is_dir());
            let produced = if batch {
                session.batch(&inputs, rules.as_deref(), summary.unwrap_or(Summary::Csv))
            } else {
                session.score(
                    &inputs[0],
                    rules.as_deref(),
                    facts.as_deref(),
                    format,
                    fail_under,
                    issuer_kind.map(IssuerKind::from),
                    verbose,
                )
            };
            session.deliver(produced, output.as_deref())
        }
        Command::Extract {
            report,
            rules,
            format,
        } => session.extract(&report, rules.as_deref(), format),
        Command::Check { path } => session.check(path.as_deref()),
        Command::Test {
            path,
            coverage,
            filter,
        } => session.test(path.as_deref(), coverage, filter.as_deref()),
        Command::Explain {
            rule,
            all,
            format,
            rules,
        } => session.explain(rule.as_deref(), all, format, rules.as_deref()),
        Command::Verify {
            output,
            report,
            rules,
            facts,
        } => session.verify(&output, &report, rules.as_deref(), facts.as_deref()),
        Command::Serve {
            port,
            bind,
            open,
            rules,
        } => session.serve(port, bind, open, rules.as_deref()),
        Command::Completions { shell } => {
            let mut buffer = Vec::new();
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "fazhi",
                &mut buffer,
            );
            session.stdout.push_str(&String::from_utf8_lossy(&buffer));
            EXIT_OK
        }
    };
    Output {
        stdout: session.stdout,
        stderr: session.stderr,
        code,
    }
}

struct Session {
    stdout: String,
    stderr: String,
    color: bool,
    quiet: bool,
    /// Whether standard error is a terminal (for the progress bar).
    terminal: bool,
}

/// What a scoring command produced: the data to deliver and the exit code so far.
struct Produced {
    data: String,
    code: u8,
}

impl Session {
    fn report(&mut self, diags: &[Diag]) {
        for diag in diags.iter().filter(|d| d.is_error() || !self.quiet) {
            self.stderr.push_str(&render::diagnostic(diag, self.color));
            self.stderr.push('\n');
        }
    }

    /// Writes produced data to standard output or, atomically, to `output`.
    fn deliver(&mut self, produced: Option<Produced>, output: Option<&Path>) -> u8 {
        let Some(produced) = produced else {
            return EXIT_INPUT;
        };
        match output {
            None => {
                self.stdout.push_str(&produced.data);
                produced.code
            }
            Some(path) => match write_atomically(path, produced.data.as_bytes()) {
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
    fn ruleset(&mut self, path: Option<&Path>) -> Option<RuleSet> {
        let sources = match path {
            None => rules::embedded(),
            Some(path) => match rules::from_path(path) {
                Ok(sources) => sources,
                Err(diag) => {
                    self.fail(&diag);
                    return None;
                }
            },
        };
        let (ruleset, diags) = check::load(sources);
        self.report(&diags);
        ruleset
    }

    fn check(&mut self, path: Option<&Path>) -> u8 {
        let sources = match path.map(rules::from_path) {
            None => rules::embedded(),
            Some(Ok(sources)) => sources,
            Some(Err(diag)) => return self.fail(&diag),
        };
        let files = sources.len();
        let (ruleset, diags) = check::load(sources);
        self.report(&diags);
        let errors = diags.iter().filter(|d| d.is_error()).count();
        let warnings = diags.len() - errors;
        match ruleset {
            Some(rs) if errors == 0 => {
                let rules = rs.rules().count();
                self.stdout.push_str(&format!(
                    "ok: {files} files, {} facts, {} sections, {rules} rules, {} tests; {warnings} warning(s)\n",
                    rs.facts.len(),
                    rs.sections.len(),
                    rs.tests.len()
                ));
                EXIT_OK
            }
            _ => {
                self.stdout
                    .push_str(&format!("{errors} error(s), {warnings} warning(s)\n"));
                EXIT_FAILED
            }
        }
    }

    fn test(&mut self, path: Option<&Path>, coverage: bool, filter: Option<&str>) -> u8 {
        let Some(ruleset) = self.ruleset(path) else {
            return EXIT_INPUT;
        };
        let mut results = testing::run(&ruleset);
        if let Some(filter) = filter {
            results.retain(|r| r.name.contains(filter));
        }
        let mut failed = 0;
        for result in &results {
            if result.passed() {
                self.stdout
                    .push_str(&format!("test {} ... ok\n", result.name));
            } else {
                failed += 1;
                self.stdout
                    .push_str(&format!("test {} ... FAILED\n", result.name));
                for failure in &result.failures {
                    self.stdout.push_str(&format!("    {failure}\n"));
                }
            }
        }
        if coverage {
            let diags = check::coverage(&ruleset);
            self.report(&diags);
            self.stdout.push_str(&format!(
                "coverage: {} rule(s) with fewer than two tests\n",
                diags.len()
            ));
        }
        self.stdout.push_str(&format!(
            "{} passed, {failed} failed\n",
            results.len() - failed
        ));
        if failed > 0 {
            EXIT_FAILED
        } else {
            EXIT_OK
        }
    }

    fn explain(
        &mut self,
        rule_id: Option<&str>,
        all: bool,
        format: ExplainFormat,
        path: Option<&Path>,
    ) -> u8 {
        let Some(ruleset) = self.ruleset(path) else {
            return EXIT_INPUT;
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
        match crate::explain::rule(&ruleset, id).or_else(|| crate::explain::fact(&ruleset, id)) {
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
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "`fazhi explain --all` lists every rule".into(),
                };
                self.fail(
                    &Diag::error(Code::CliUsage, format!("no rule or fact `{id}`")).help(help),
                )
            }
        }
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

    fn extract(&mut self, path: &Path, rules: Option<&Path>, format: ExtractFormat) -> u8 {
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

    fn score(
        &mut self,
        input: &Path,
        rules: Option<&Path>,
        corrections: Option<&Path>,
        format: Format,
        fail_under: Option<Decimal>,
        issuer_kind: Option<IssuerKind>,
        verbose: bool,
    ) -> Option<Produced> {
        let ruleset = self.ruleset(rules)?;
        let scored = match score::score_path_as(&ruleset, input, corrections, issuer_kind) {
            Ok(scored) => scored,
            Err(diags) => {
                self.report(&diags);
                return None;
            }
        };
        self.report(&scored.warnings);
        let ctx = scored.context(&ruleset);
        let data = match format {
            Format::Json => json_text(&render::json::score(&ctx)),
            Format::Sarif => json_text(&render::sarif::score(&ctx)),
            Format::Markdown => render::markdown::score(&ctx),
            Format::Html => render::html::score(&ctx),
            Format::Human => render::human::score(
                &ctx,
                &render::human::Options {
                    verbose,
                    color: self.color,
                },
            ),
        };
        let code = match fail_under {
            Some(limit) if scored.card.total < limit => {
                self.stderr.push_str(&format!(
                    "total {} is below --fail-under {}\n",
                    points_text(scored.card.total),
                    limit.normalize()
                ));
                EXIT_FAILED
            }
            _ => EXIT_OK,
        };
        Some(Produced { data, code })
    }

    fn batch(
        &mut self,
        inputs: &[PathBuf],
        rules: Option<&Path>,
        summary: Summary,
    ) -> Option<Produced> {
        let ruleset = self.ruleset(rules)?;
        let files = batch::inputs(inputs);
        if files.is_empty() {
            self.fail(
                &Diag::error(Code::CliUsage, "no reports to score")
                    .help("name report files, or directories holding .txt, .html or .docx reports"),
            );
            return None;
        }
        let progress = (self.terminal && !self.quiet).then(|| {
            let bar = indicatif::ProgressBar::new(files.len() as u64);
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
        let result = batch::score_all(&ruleset, &files, &tick);
        if let Some(bar) = progress {
            bar.finish_and_clear();
        }
        for failure in &result.failures {
            self.stderr
                .push_str(&format!("skipped {}:\n", failure.file));
            self.report(&failure.diags);
        }
        let data = match summary {
            Summary::Csv => batch::to_csv(&ruleset, &result),
            Summary::Markdown => batch::to_markdown(&ruleset, &result),
            Summary::Json => json_text(&batch::to_json(&ruleset, &result)),
            Summary::Html => match batch::to_html(&ruleset, &result) {
                Ok(html) => html,
                Err(e) => {
                    self.fail(
                        &Diag::error(Code::CliIo, format!("cannot render the summary: {e}"))
                            .help("this is a bug in fazhi's summary template"),
                    );
                    return None;
                }
            },
        };
        let code = if result.failures.is_empty() {
            EXIT_OK
        } else {
            EXIT_INPUT
        };
        Some(Produced { data, code })
    }

    /// Runs the workbench until the process is stopped. Messages are printed at once, since the
    /// command does not return while it serves.
    fn serve(
        &mut self,
        port: u16,
        bind: Option<std::net::IpAddr>,
        open: bool,
        rules: Option<&Path>,
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
            "fazhi 评分工作台:{url}\n报告只保存在内存中,重启后清空。按 Ctrl-C 停止。\n"
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

    fn verify(
        &mut self,
        output: &Path,
        report: &Path,
        rules: Option<&Path>,
        corrections: Option<&Path>,
    ) -> u8 {
        let Some(ruleset) = self.ruleset(rules) else {
            return EXIT_INPUT;
        };
        let saved: serde_json::Value = match std::fs::read_to_string(output)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        {
            Ok(value) => value,
            Err(e) => {
                return self.fail(
                    &Diag::error(
                        Code::CliIo,
                        format!("cannot read `{}` as fazhi JSON: {e}", output.display()),
                    )
                    .help("give a file written by `fazhi score --format json`"),
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
                "verified: {} matches {} (total {}, grade {})\n",
                output.display(),
                report.display(),
                points_text(scored.card.total),
                scored.card.grade
            ));
            EXIT_OK
        } else {
            self.stdout.push_str(&format!(
                "does not match: {} differs from a new score of {}\n",
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

/// A command-line mistake as a diagnostic like every other: clap's first line is the message, the
/// rest (its usage line and tip) the help.
fn usage_error(clap_text: &str) -> Diag {
    let mut lines = clap_text.trim().lines();
    let message = lines
        .next()
        .unwrap_or_default()
        .trim_start_matches("error:")
        .trim()
        .to_string();
    let rest: Vec<&str> = lines.map(str::trim).filter(|l| !l.is_empty()).collect();
    let help = if rest.is_empty() {
        "run `fazhi --help`".to_string()
    } else {
        rest.join("\n")
    };
    Diag::error(Code::CliUsage, message).help(help)
}

pub(crate) fn json_text(value: &serde_json::Value) -> String {
    format!(
        "{}\n",
        serde_json::to_string_pretty(value).unwrap_or_default()
    )
}

/// Writes through a temporary file in the same directory and renames it over `path`, so an
/// interrupted run never leaves half a file.
fn write_atomically(path: &Path, data: &[u8]) -> Result<(), Diag> {
    let fail = |e: &dyn std::fmt::Display| {
        Diag::error(
            Code::CliIo,
            format!("cannot write `{}`: {e}", path.display()),
        )
        .help("check that the directory exists and is writable")
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail(&e))?;
    file.write_all(data).map_err(|e| fail(&e))?;
    file.persist(path).map_err(|e| fail(&e.error))?;
    Ok(())
}
