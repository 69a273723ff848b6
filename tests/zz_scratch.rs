fn run(args: &[&str]) -> fazhi::cli::Output {
    let mut v = vec!["fazhi"]; v.extend_from_slice(args);
    fazhi::cli::run(v, false)
}
#[test]
fn probe() {
    for f in ["chenzhou-2024", "guangzhou-conghua-justice-bureau-2024", "shijiazhuang-xinhua-2024", "wuhan-jiangxia-2024", "xiamen-huli-2024"] {
        let o = run(&["score", &format!("reports-fixtures/{f}.facts.toml")]);
        let tail: Vec<&str> = o.stdout.lines().rev().take(12).collect();
        println!("{f} code {} stderr {:?}\n{}", o.code, o.stderr.chars().take(300).collect::<String>(), tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
    }
    let o = run(&["score", "reports-fixtures/wuhan-jiangxia-2024.txt"]);
    println!("txt code {} {}", o.code, o.stdout.lines().filter(|l| l.contains("总分")).collect::<Vec<_>>().join("\n"));
    let o = run(&["score", "reports-fixtures/wuhan-jiangxia-2024.facts.toml", "--format", "json"]);
    println!("{}", o.stdout.chars().take(1500).collect::<String>());
}
