use fazhi::diagnostic::Source;
#[test]
fn probe() {
    let h = "ruleset t { total 10 grade \"合格\" >= 0 }\nfact x percent \"率\"\n";
    for body in [
        "section s \"节\" weight 10 ｛ }",
        "section s \"节\" weight 10 { rule r \"规则\" ｛ cite \"c\" local points 1 require x >= 100% } }",
        "section s \"节\" weight 10 { rule r \"规则\" { cite \"c\" local points 1 require x >= 100％ } }",
        "section s \"节\" weight 10 { rule r \"规则\" { cite \"c\" local points 1 require x ＞= 100% } }",
        "section s \"节\" weight 10 { rule r \"规则\" { cite “c” local points 1 require x >= 100% } }",
        "section s \"节\" weight 10 { rule r \"规则\" { cite \"c\" local；points 1 require x >= 100% } }",
        "section s \"节\" weight 10 { rule r \"规则\" { cite \"c\" local points 1 require x >= 100% ｝ }",
        "｛",
        "test \"t\" { given { x ＝ 95% } }",
        "section s \"节\" weight 10 { rule r \"规则\" { cite \"c\" local points 1 require present（x） } }",
    ] {
        let text = format!("{h}{body}\n");
        let (_, d) = fazhi::check::load(vec![Source::new("p.fz", text.as_str())]);
        println!("{body}\n{}", d.iter().map(|d| fazhi::render::diagnostic(d, false)).collect::<String>());
    }
}
