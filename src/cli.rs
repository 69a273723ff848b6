//! The command line: argument parsing, loading, and writing results. The only module that prints
//! or decides exit codes; everything else returns values and diagnostics.

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
use crate::{extract, read, rules, score, testing};

/// Exit codes, documented in README.md.
pub const EXIT_OK: u8 = 0;
/// The score is below `--fail-under`, tests failed, or `fazhi check` found errors.
pub const EXIT_FAILED: u8 = 1;
/// Bad usage, unreadable input, or a rule set with errors when scoring.
pub const EXIT_INPUT: u8 = 2;

#[derive(Debug, Parser)]
#[command(name = "fazhi", version, about = "Scores 法治政府建设年度报告 against the 2021–2025 Outline and explains every point")]
struct Cli {
    /// Colour in diagnostics: auto (a terminal without NO_COLOR), always or never.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
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
    Toml,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Score a report (.txt, .html, .docx) or a facts file (.toml, .json).
    Score {
        input: PathBuf,
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
        /// Show passing and not-applicable rules too.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Print the facts found in a report.
    Extract {
        report: PathBuf,
        #[arg(long)]
        rules: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
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
    },
    /// Explain a rule: title, citation, facts read and scoring in words.
    Explain {
        rule: String,
        #[arg(long)]
        rules: Option<PathBuf>,
    },
}

/// What a command writes; `main` copies it to the real streams.
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
}

pub fn main() -> ExitCode {
    let out = run(std::env::args_os(), std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none());
    let _ = std::io::stdout().write_all(out.stdout.as_bytes());
    let _ = std::io::stderr().write_all(out.stderr.as_bytes());
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
        Err(e) => {
            let code = if e.use_stderr() { EXIT_INPUT } else { EXIT_OK };
            let text = e.to_string();
            return if e.use_stderr() { Output { stdout: String::new(), stderr: text, code } } else { Output { stdout: text, stderr: String::new(), code } };
        }
    };
    let color = match cli.color {
        Color::Auto => terminal_color,
        Color::Always => true,
        Color::Never => false,
    };
    let mut session = Session { stdout: String::new(), stderr: String::new(), color };
    let code = match cli.command {
        Command::Score { input, rules, facts, format, fail_under, verbose } => session.score(&input, rules.as_deref(), facts.as_deref(), format, fail_under, verbose),
        Command::Extract { report, rules, format } => session.extract(&report, rules.as_deref(), format),
        Command::Check { path } => session.check(path.as_deref()),
        Command::Test { path, coverage } => session.test(path.as_deref(), coverage),
        Command::Explain { rule, rules } => session.explain(&rule, rules.as_deref()),
    };
    Output { stdout: session.stdout, stderr: session.stderr, code }
}

struct Session {
    stdout: String,
    stderr: String,
    color: bool,
}

impl Session {
    fn report(&mut self, diags: &[Diag]) {
        for diag in diags {
            self.stderr.push_str(&render::diagnostic(diag, self.color));
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
                self.stdout.push_str(&format!("{errors} error(s), {warnings} warning(s)\n"));
                EXIT_FAILED
            }
        }
    }

    fn test(&mut self, path: Option<&Path>, coverage: bool) -> u8 {
        let Some(ruleset) = self.ruleset(path) else { return EXIT_INPUT };
        let results = testing::run(&ruleset);
        let mut failed = 0;
        for result in &results {
            if result.passed() {
                self.stdout.push_str(&format!("test {} ... ok\n", result.name));
            } else {
                failed += 1;
                self.stdout.push_str(&format!("test {} ... FAILED\n", result.name));
                for failure in &result.failures {
                    self.stdout.push_str(&format!("    {failure}\n"));
                }
            }
        }
        if coverage {
            let diags = check::coverage(&ruleset);
            self.report(&diags);
            self.stdout.push_str(&format!("coverage: {} rule(s) with fewer than two tests\n", diags.len()));
        }
        self.stdout.push_str(&format!("{} passed, {failed} failed\n", results.len() - failed));
        if failed > 0 { EXIT_FAILED } else { EXIT_OK }
    }

    fn explain(&mut self, rule_id: &str, path: Option<&Path>) -> u8 {
        let Some(ruleset) = self.ruleset(path) else { return EXIT_INPUT };
        match crate::explain::rule(&ruleset, rule_id) {
            Some(text) => {
                self.stdout.push_str(&text);
                EXIT_OK
            }
            None => {
                let help = match crate::diagnostic::suggest(rule_id, ruleset.rules().map(|(_, r)| r.id.name.as_str())) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "`fazhi explain` takes a rule id; `fazhi check` lists the rule count".into(),
                };
                self.fail(&Diag::error(Code::CliUsage, format!("no rule `{rule_id}`")).help(help))
            }
        }
    }

    /// Reads a report file and extracts its facts.
    fn read_report(&mut self, ruleset: &RuleSet, path: &Path) -> Option<(Source, Facts, Vec<Diag>)> {
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

    fn extract(&mut self, path: &Path, rules: Option<&Path>, format: Format) -> u8 {
        let Some(ruleset) = self.ruleset(rules) else { return EXIT_INPUT };
        let Some((source, facts, diags)) = self.read_report(&ruleset, path) else { return EXIT_INPUT };
        self.report(&diags);
        self.stdout.push_str(&match format {
            Format::Toml => extract::to_toml(&ruleset, &facts, &source),
            _ => extract::to_json(&ruleset, &facts),
        });
        EXIT_OK
    }

    fn score(&mut self, input: &Path, rules: Option<&Path>, corrections: Option<&Path>, format: Format, fail_under: Option<Decimal>, verbose: bool) -> u8 {
        let Some(ruleset) = self.ruleset(rules) else { return EXIT_INPUT };
        let scored = match score::score_path(&ruleset, input, corrections) {
            Ok(scored) => scored,
            Err(diags) => {
                self.report(&diags);
                return EXIT_INPUT;
            }
        };
        self.report(&scored.warnings);
        let ctx = scored.context(&ruleset);
        match format {
            Format::Json | Format::Toml => {
                self.stdout.push_str(&serde_json::to_string_pretty(&render::json::score(&ctx)).unwrap_or_default());
                self.stdout.push('\n');
            }
            Format::Human => {
                let options = render::human::Options { verbose, color: self.color };
                self.stdout.push_str(&render::human::score(&ctx, &options));
            }
        }
        match fail_under {
            Some(limit) if scored.card.total < limit => {
                self.stderr.push_str(&format!("total {} is below --fail-under {}\n", points_text(scored.card.total), limit.normalize()));
                EXIT_FAILED
            }
            _ => EXIT_OK,
        }
    }
}
