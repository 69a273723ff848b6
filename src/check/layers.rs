//! Derived facts (typed against their declaration, ordered, cycles refused) and overlays (a local
//! rule set's changes to the set it extends, applied before the combined set is checked).

use std::collections::HashMap;

use indexmap::IndexMap;
use rust_decimal::Decimal;

use super::{Checker, Env, Ty};
use crate::diagnostic::{suggest, Code, Diag};
use crate::syntax::ast::*;

/// An overlay's change as applied: what it changed, from which file, and the value before.
#[derive(Debug, Clone)]
pub struct Applied {
    pub file: FileId,
    /// The overlay's id.
    pub overlay: String,
    pub change: Change,
    /// The points or weight the extended set gave, for `points` and `weight`.
    pub before: Option<Decimal>,
}

impl Applied {
    /// `分值 1.5 → 2（理由）`: the change in the reader's words.
    pub fn describe(&self) -> String {
        let reason = &self.change.reason.text;
        let before = self
            .before
            .map_or(String::new(), |b| format!("{} → ", b.normalize()));
        match self.change.kind {
            ChangeKind::Points(p) => format!("分值 {before}{}（{reason}）", p.normalize()),
            ChangeKind::Weight(w) => format!("权重 {before}{}（{reason}）", w.normalize()),
            ChangeKind::Disable => format!("已停用（{reason}）"),
        }
    }
}

impl Checker<'_> {
    /// Types each derived fact's expression against its declared type and returns the derived
    /// facts in an order where each follows the derived facts it reads; a cycle is an error.
    pub(super) fn derived_facts(&mut self, facts: &IndexMap<String, FactDecl>) -> Vec<String> {
        for decl in facts.values() {
            let Some(expr) = &decl.derived else { continue };
            let mut env = Env {
                checker: self,
                file: decl.file,
                facts,
            };
            let ty = env.infer(expr);
            let declared = Ty::of_fact(decl.ty);
            let fits = ty == Ty::Error
                || match declared {
                    Ty::Bool | Ty::Date | Ty::Percent => ty == declared,
                    _ => declared.unify(ty) == Some(declared),
                };
            if !fits {
                let help = if declared == Ty::Percent && ty == Ty::Number {
                    "两个数之比乘以 100% 才是百分比：写 `a / b * 100%`".to_string()
                } else {
                    format!("把声明的类型改为与表达式一致，或改写表达式使其为{declared}")
                };
                self.error(
                    decl.file,
                    Code::CheckDerived,
                    format!(
                        "派生事实 `{}` 声明为{declared}，但表达式是{ty}",
                        decl.id.name
                    ),
                    expr.span,
                    &format!("这是{ty}"),
                    help,
                );
            }
        }
        let mut order = Vec::new();
        let mut state: HashMap<&str, Visit> = HashMap::new();
        for name in facts.keys() {
            self.visit(name, facts, &mut state, &mut order, &mut Vec::new());
        }
        order
    }

    /// Depth-first over derived facts; `path` holds the facts being visited, for the cycle's text.
    fn visit<'f>(
        &mut self,
        name: &'f str,
        facts: &'f IndexMap<String, FactDecl>,
        state: &mut HashMap<&'f str, Visit>,
        order: &mut Vec<String>,
        path: &mut Vec<&'f str>,
    ) {
        let Some(decl) = facts.get(name) else { return };
        let Some(expr) = &decl.derived else { return };
        match state.get(name) {
            Some(Visit::Done) => return,
            Some(Visit::Active) => {
                let start = path.iter().position(|p| *p == name).unwrap_or(0);
                let mut cycle: Vec<&str> = path[start..].to_vec();
                cycle.push(name);
                self.error(
                    decl.file,
                    Code::CheckDerived,
                    format!(
                        "派生事实 `{name}` 依赖自身：{}",
                        cycle
                            .iter()
                            .map(|id| format!("`{id}`"))
                            .collect::<Vec<_>>()
                            .join(" → ")
                    ),
                    decl.id.span,
                    "循环依赖",
                    "派生事实只能由报告中的事实或其他不依赖它的派生事实算出；去掉环中的一个引用"
                        .into(),
                );
                return;
            }
            None => {}
        }
        state.insert(name, Visit::Active);
        path.push(name);
        let mut read = Vec::new();
        expr.facts(&mut read);
        for dependency in read {
            if let Some((key, _)) = facts.get_key_value(dependency) {
                self.visit(key, facts, state, order, path);
            }
        }
        path.pop();
        state.insert(name, Visit::Done);
        order.push(name.to_string());
    }

    /// Adds the `extend section` rules to their sections and applies the overlays' changes in
    /// file order. A change naming a rule or section that does not exist (renamed or removed by
    /// an update of the extended set) is an error with the nearest id.
    pub(super) fn apply_overlays(
        &mut self,
        overlays: Vec<Overlay>,
        extensions: Vec<Extension>,
        sections: &mut [Section],
    ) -> Vec<Applied> {
        for extension in extensions {
            match sections
                .iter_mut()
                .find(|s| s.id.name == extension.section.name)
            {
                Some(section) => section.rules.extend(extension.rules),
                None => {
                    let ids: Vec<String> = sections.iter().map(|s| s.id.name.clone()).collect();
                    self.unknown_target(extension.file, &extension.section, "分项", &ids);
                }
            }
        }
        let mut applied = Vec::new();
        for overlay in overlays {
            for change in overlay.changes {
                let file = overlay.file;
                let before = match change.kind {
                    ChangeKind::Weight(weight) => {
                        let found = sections
                            .iter_mut()
                            .find(|s| s.id.name == change.target.name);
                        match found {
                            Some(section) => {
                                let before = section.weight.value;
                                section.weight.value = weight;
                                Some(before)
                            }
                            None => {
                                let ids: Vec<String> =
                                    sections.iter().map(|s| s.id.name.clone()).collect();
                                self.unknown_target(file, &change.target, "分项", &ids);
                                continue;
                            }
                        }
                    }
                    ChangeKind::Points(_) | ChangeKind::Disable => {
                        let found = sections.iter_mut().find_map(|s| {
                            let at = s
                                .rules
                                .iter()
                                .position(|r| r.id.name == change.target.name)?;
                            Some((s, at))
                        });
                        let Some((section, at)) = found else {
                            let ids: Vec<String> = sections
                                .iter()
                                .flat_map(|s| s.rules.iter().map(|r| r.id.name.clone()))
                                .collect();
                            let disabled = applied.iter().any(|a: &Applied| {
                                a.change.kind == ChangeKind::Disable
                                    && a.change.target.name == change.target.name
                            });
                            if disabled {
                                self.error(
                                    file,
                                    Code::CheckOverlay,
                                    format!("规则 `{}` 已被停用，不能再修改", change.target.name),
                                    change.target.span,
                                    "已停用的规则",
                                    "删去这一修改，或不停用该规则".into(),
                                );
                            } else {
                                self.unknown_target(file, &change.target, "规则", &ids);
                            }
                            continue;
                        };
                        match change.kind {
                            ChangeKind::Points(points) => {
                                let rule = &mut section.rules[at];
                                let before = rule.points.map(|p| p.value);
                                if let Some(p) = rule.points.as_mut() {
                                    p.value = points;
                                }
                                before
                            }
                            _ => {
                                section.rules.remove(at);
                                None
                            }
                        }
                    }
                };
                if let ChangeKind::Points(v) | ChangeKind::Weight(v) = change.kind {
                    if v <= Decimal::ZERO {
                        self.error(
                            file,
                            Code::CheckOverlay,
                            format!("`{}` 的新值须大于 0", change.target.name),
                            change.span,
                            "不大于 0",
                            "不计分的规则用 `disable 规则 \"理由\"` 停用".into(),
                        );
                    }
                }
                if change.reason.text.trim().is_empty() {
                    self.error(
                        file,
                        Code::CheckOverlay,
                        format!("对 `{}` 的修改没有写理由", change.target.name),
                        change.reason.span,
                        "空的理由",
                        "每项修改都要写明理由，说明中会显示".into(),
                    );
                }
                applied.push(Applied {
                    file,
                    overlay: overlay.id.name.clone(),
                    change,
                    before,
                });
            }
        }
        applied
    }

    fn unknown_target(&mut self, file: FileId, target: &Ident, what: &str, ids: &[String]) {
        let help = match suggest(&target.name, ids.iter().map(String::as_str)) {
            Some(near) => format!("是不是 `{near}`?默认规则集更新后标识可能已改名"),
            None => {
                format!("写被扩展规则集中已有的{what}标识（`fazhi explain --all` 列出全部规则）")
            }
        };
        self.push(
            file,
            Diag::error(
                Code::CheckOverlay,
                format!("被扩展的规则集中没有{what} `{}`", target.name),
            )
            .label(target.span, format!("没有这个{what}"))
            .help(help),
        );
    }
}

#[derive(Clone, Copy)]
enum Visit {
    Active,
    Done,
}
