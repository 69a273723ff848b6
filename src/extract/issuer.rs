//! The issuing body of a report, from its title or opening sentence, for report headers and
//! batch tables. Not a scored fact: a best effort, absent when the report does not say.

use regex::Regex;

use super::structure::Fixed;
use crate::syntax::ast::IssuerKind;

/// `江夏区人民政府关于2024年度…`, `石家庄市新华区人民政府2024年…`: a body named before the year.
static TITLE: Fixed = Fixed::new(|| {
    Regex::new(r"(?m)^\s*([\p{Han}]{2,24}?(?:人民政府|人民政府办公室|政府办公室|司法局|局|委员会))(?:关于)?20[0-9]{2}年").ok()
});
/// `2024年,湖里区坚持…`: a place named at the start of the opening sentence.
static OPENING: Fixed = Fixed::new(|| {
    Regex::new(r"(?m)^\s*20[0-9]{2}年,?(?:在[^,。]{0,24}下,)?([\p{Han}]{2,8}?(?:区|市|县|旗|州|局))(?:坚持|以|深入|全面|紧紧|认真|在)").ok()
});

/// A department (司法局, 市场监督管理局, 委员会, 办公室) reports on its own remit; anything else
/// that issues a 法治政府建设 report is a people's government.
pub fn kind(issuer: &str) -> IssuerKind {
    let department = ["局", "委员会", "办公室", "厅", "委", "中心", "办"];
    if !issuer.ends_with("人民政府") && department.iter().any(|d| issuer.ends_with(d)) {
        IssuerKind::Department
    } else {
        IssuerKind::Government
    }
}

/// The first body the report names as its author, if any.
pub fn issuer(text: &str) -> Option<String> {
    let head: String = text.chars().take(600).collect();
    let found = TITLE.captures(&head).or_else(|| OPENING.captures(&head))?;
    let name = found.get(1)?.as_str();
    // "我市", "我区" name no one.
    (!name.starts_with('我')).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_from_titles_and_opening_sentences() {
        assert_eq!(
            issuer("江夏区人民政府关于2024年度法治政府建设情况的报告\n").as_deref(),
            Some("江夏区人民政府")
        );
        assert_eq!(
            issuer("石家庄市新华区人民政府\n石家庄市新华区人民政府2024年法治政府建设年度报告")
                .as_deref(),
            Some("石家庄市新华区人民政府")
        );
        assert_eq!(
            issuer("2024年,湖里区坚持以习近平新时代中国特色社会主义思想为指导").as_deref(),
            Some("湖里区")
        );
        assert_eq!(
            issuer("2024年,在区委、区政府的坚强领导下,区司法局坚持").as_deref(),
            Some("区司法局")
        );
        assert_eq!(issuer("2024年,我市坚持以习近平"), None);
        assert_eq!(issuer("没有标题的文字"), None);
    }
}
