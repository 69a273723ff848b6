//! Human names for grammar rules, used in parse errors instead of pest's identifiers.
//!
//! The match is exhaustive on purpose: a new grammar rule does not compile until it has a name.

use super::parser::Rule;

/// How a grammar rule is shown to a rule author.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Name {
    /// A keyword, shown in backticks: `rule`.
    Keyword(&'static str),
    /// A kind of thing: "a string", "an expression".
    Thing(&'static str),
    /// A rule that should never be named in an error (its parent is named instead).
    Hidden,
}

pub fn name(grammar_rule: Rule) -> Name {
    use Name::{Hidden, Keyword, Thing};
    match grammar_rule {
        Rule::EOI => Thing("end of file"),
        Rule::WHITESPACE | Rule::COMMENT | Rule::word_char | Rule::keyword => Hidden,
        Rule::file | Rule::item => Thing("`ruleset`, `fact`, `section` or `test`"),
        Rule::derived_decl => Thing("a `derived fact` declaration"),
        Rule::overlay => Thing("an `overlay` header"),
        Rule::overlay_entry => Thing("`points`, `weight`, `disable` or `title`"),
        Rule::set_points => Thing("`points RULE N \"理由\"`"),
        Rule::set_weight => Thing("`weight SECTION N \"理由\"`"),
        Rule::disable_entry => Thing("`disable RULE \"理由\"`"),
        Rule::extension => Thing("`extend section`"),
        Rule::kw_derived => Keyword("derived"),
        Rule::kw_overlay => Keyword("overlay"),
        Rule::kw_disable => Keyword("disable"),
        Rule::kw_extend => Keyword("extend"),
        Rule::ruleset => Thing("a `ruleset` header"),
        Rule::ruleset_entry => Thing("a ruleset setting"),
        Rule::title_entry => Thing("`title`"),
        Rule::source_entry => Thing("`source`"),
        Rule::effective_entry => Thing("`effective`"),
        Rule::version_entry => Thing("`version`"),
        Rule::total_entry => Thing("`total`"),
        Rule::grade_entry => Thing("`grade`"),
        Rule::no_evidence_entry => Thing("`no_evidence`"),
        Rule::no_evidence_mode => Thing("`zero` or `excluded`"),
        Rule::credit_entry => Thing("`credit`"),
        Rule::evidence_level => Thing("`described` or `admitted`"),
        Rule::combine_entry => Thing("`combine`"),
        Rule::combined_number => Thing("`statutory`, `coverage` or `performance`"),
        Rule::statutory_entry => Thing("`statutory`"),
        Rule::mention_entry => Thing("`mention`"),
        Rule::issuers_entry => Thing("`issuers`"),
        Rule::issuer_kind => Thing("`government` or `department`"),
        Rule::fact_decl => Thing("a `fact` declaration"),
        Rule::fact_type => {
            Thing("a fact type (`percent`, `count`, `amount`, `date`, `year` or `flag`)")
        }
        Rule::fact_body => Thing("a fact body `{ … }`"),
        Rule::fact_entry => Thing("`pattern` or `scope`"),
        Rule::pattern_entry => Thing("`pattern`"),
        Rule::scope_entry => Thing("`scope`"),
        Rule::scope_name => {
            Thing("a scope (`work`, `shortcomings`, `plan`, `header` or `anywhere`)")
        }
        Rule::section => Thing("a `section`"),
        Rule::section_entry => Thing("`rule` or `note`"),
        Rule::note_entry => Thing("`note`"),
        Rule::rule_decl => Thing("`rule`"),
        Rule::rule_entry => Thing("a rule clause"),
        Rule::cite_entry => Thing("`cite`"),
        Rule::standing => Thing("a standing (`verified`, `recalled` or `local`)"),
        Rule::points_entry => Thing("`points`"),
        Rule::applies_entry => Thing("`applies`"),
        Rule::require_entry => Thing("`require`"),
        Rule::partial_entry => Thing("`partial`"),
        Rule::linear => Thing("`linear`"),
        Rule::tiers => Thing("`tiers`"),
        Rule::tier => Thing("a tier `CONDITION => POINTS`"),
        Rule::deduct_entry => Thing("`deduct`"),
        Rule::missing_entry => Thing("`missing`"),
        Rule::missing_mode => Thing("`unknown`, `fail` or `not_applicable`"),
        Rule::explain_entry => Thing("`explain`"),
        Rule::help_entry => Thing("`help`"),
        Rule::test_block => Thing("a `test`"),
        Rule::given => Thing("`given`"),
        Rule::given_fact => Thing("a given fact `name = value`"),
        Rule::expectation => Thing("`expect`"),
        Rule::expect_total | Rule::expect_grade | Rule::expect_rule => Thing("`expect`"),
        Rule::outcome => {
            Thing("an outcome (`pass`, `partial`, `fail`, `unknown` or `not_applicable`)")
        }
        Rule::expr
        | Rule::or_expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::comparison
        | Rule::sum
        | Rule::product
        | Rule::atom => Thing("an expression"),
        Rule::compare_op => Thing("a comparison (`>=`, `<`, `before`, …)"),
        Rule::add_op | Rule::mul_op => Thing("an operator"),
        Rule::call => Thing("a function call"),
        Rule::paren => Thing("an expression in parentheses"),
        Rule::function_name => Thing("a function name"),
        Rule::fact_ref => Thing("a fact name"),
        Rule::literal => Thing("a value (`95%`, `4`, `2025-04-01`, `true`)"),
        Rule::date_lit => Thing("a date `YYYY-MM-DD`"),
        Rule::percent_lit => Thing("a percentage such as `95%`"),
        Rule::number_lit => Thing("a number"),
        Rule::bool_lit => Thing("`true` or `false`"),
        Rule::ident => Thing("a name (lowercase letters, digits and `_`)"),
        Rule::string | Rule::string_text => Thing("a string in double quotes"),
        Rule::kw_ruleset => Keyword("ruleset"),
        Rule::kw_title => Keyword("title"),
        Rule::kw_source => Keyword("source"),
        Rule::kw_effective => Keyword("effective"),
        Rule::kw_version => Keyword("version"),
        Rule::kw_total => Keyword("total"),
        Rule::kw_grade => Keyword("grade"),
        Rule::kw_no_evidence => Keyword("no_evidence"),
        Rule::kw_zero => Keyword("zero"),
        Rule::kw_excluded => Keyword("excluded"),
        Rule::kw_fact => Keyword("fact"),
        Rule::kw_percent => Keyword("percent"),
        Rule::kw_count => Keyword("count"),
        Rule::kw_amount => Keyword("amount"),
        Rule::kw_date => Keyword("date"),
        Rule::kw_year => Keyword("year"),
        Rule::kw_flag => Keyword("flag"),
        Rule::kw_pattern => Keyword("pattern"),
        Rule::kw_scope => Keyword("scope"),
        Rule::kw_work => Keyword("work"),
        Rule::kw_shortcomings => Keyword("shortcomings"),
        Rule::kw_plan => Keyword("plan"),
        Rule::kw_anywhere => Keyword("anywhere"),
        Rule::kw_header => Keyword("header"),
        Rule::kw_section => Keyword("section"),
        Rule::kw_weight => Keyword("weight"),
        Rule::kw_note => Keyword("note"),
        Rule::kw_rule => Keyword("rule"),
        Rule::kw_cite => Keyword("cite"),
        Rule::kw_verified => Keyword("verified"),
        Rule::kw_recalled => Keyword("recalled"),
        Rule::kw_local => Keyword("local"),
        Rule::kw_points => Keyword("points"),
        Rule::kw_applies => Keyword("applies"),
        Rule::kw_require => Keyword("require"),
        Rule::kw_partial => Keyword("partial"),
        Rule::kw_linear => Keyword("linear"),
        Rule::kw_from => Keyword("from"),
        Rule::kw_to => Keyword("to"),
        Rule::kw_tiers => Keyword("tiers"),
        Rule::kw_deduct => Keyword("deduct"),
        Rule::kw_per => Keyword("per"),
        Rule::kw_cap => Keyword("cap"),
        Rule::kw_missing => Keyword("missing"),
        Rule::kw_unknown => Keyword("unknown"),
        Rule::kw_fail => Keyword("fail"),
        Rule::kw_not_applicable => Keyword("not_applicable"),
        Rule::kw_explain => Keyword("explain"),
        Rule::kw_help => Keyword("help"),
        Rule::kw_test => Keyword("test"),
        Rule::kw_given => Keyword("given"),
        Rule::kw_expect => Keyword("expect"),
        Rule::kw_pass => Keyword("pass"),
        Rule::kw_or => Keyword("or"),
        Rule::kw_and => Keyword("and"),
        Rule::kw_not => Keyword("not"),
        Rule::kw_before => Keyword("before"),
        Rule::kw_after => Keyword("after"),
        Rule::kw_true => Keyword("true"),
        Rule::kw_false => Keyword("false"),
        Rule::kw_credit => Keyword("credit"),
        Rule::kw_described => Keyword("described"),
        Rule::kw_admitted => Keyword("admitted"),
        Rule::kw_combine => Keyword("combine"),
        Rule::kw_statutory => Keyword("statutory"),
        Rule::kw_coverage => Keyword("coverage"),
        Rule::kw_performance => Keyword("performance"),
        Rule::kw_mention => Keyword("mention"),
        Rule::kw_issuers => Keyword("issuers"),
        Rule::kw_government => Keyword("government"),
        Rule::kw_department => Keyword("department"),
    }
}

/// Keywords are matched by their text, so the tree walker skips their pairs.
pub fn is_keyword(grammar_rule: Rule) -> bool {
    matches!(name(grammar_rule), Name::Keyword(_))
}
