//! Scenario files: the shipped ones load and run; the seed scenario's full result is locked by a
//! snapshot; bad files name the file and the key.

use chipmodel_fleet::{SCENARIOS, Scenario, run_scenario};

mod common;
use common::catalogs;

#[test]
fn shipped_scenarios_parse() {
    for (file, text) in SCENARIOS {
        let s = Scenario::parse(catalogs(), file, text).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(!s.fleet.groups.is_empty() && s.workload.is_some(), "{file}");
    }
}

fn rounded(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap();
            if x == 0.0 || !x.is_finite() {
                return Value::from(x);
            }
            let digits = 10 - 1 - x.abs().log10().floor() as i32;
            let p = 10f64.powi(digits.clamp(-300, 300));
            let r = (x * p).round() / p;
            // 2.99999995e5 and friends: snap values within 1e-9 relative of an integer.
            let r = if (r - r.round()).abs() <= 1e-9 * r.abs().max(1.0) {
                r.round()
            } else {
                r
            };
            Value::from(r)
        }
        Value::Array(a) => Value::Array(a.into_iter().map(rounded).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, rounded(v))).collect()),
        other => other,
    }
}

#[test]
fn seed_scenario_report_snapshot() {
    let s = Scenario::seed(catalogs()).unwrap();
    let mut r = run_scenario(catalogs(), &s).unwrap();
    // The draws are 1,000 numbers per output; their percentiles are in the snapshot.
    if let Some(mc) = r.monte_carlo.as_mut() {
        mc.draws.clear();
    }
    let t = &r.report.total;
    assert!((t.facility_mw - 700.0).abs() < 1e-9);
    assert_eq!(r.equivalents[0].chip, "ascend-910c");
    // Ten significant digits: the interior-point LP solves to about 1e-9, so the last bits of its
    // figures are not part of the contract.
    insta::assert_json_snapshot!("seed_scenario", rounded(serde_json::to_value(&r).unwrap()));
}

const HEAD: &str = "[scenario]\nid = \"t\"\ntitle = \"T\"\n";

fn bad(body: &str) -> String {
    let text = format!("{HEAD}{body}");
    Scenario::parse(catalogs(), "bad.toml", &text)
        .expect_err(&text)
        .to_string()
}

#[test]
fn bad_scenarios_name_the_file_and_key() {
    let group = "[[group]]\nchip = \"h200\"\ncount = 8\n";
    let cases: [(String, &[&str]); 12] = [
        (
            format!("{group}colour = 1\n"),
            &["bad.toml", "group[0].colour", "unknown field 'colour'"],
        ),
        (
            "[[group]]\nchip = \"h2000\"\ncount = 8\n".into(),
            &["bad.toml", "group[0].chip", "h200"],
        ),
        (
            "[[group]]\nchip = \"h200\"\ncount = -8\n".into(),
            &["bad.toml", "group[0].count", "-8"],
        ),
        (
            "[[group]]\nchip = \"h200\"\ncount = 8\nsite = \"mars\"\n".into(),
            &["group[0].site", "mars"],
        ),
        (
            format!("{group}[workload]\nmodel = \"llama-9\"\n"),
            &["bad.toml", "workload.model", "llama-9"],
        ),
        (
            format!("[assumptions]\n\"price.h200-sxm\" = -5\n{group}"),
            &["assumptions.price.h200-sxm", "-5"],
        ),
        (
            format!("[assumptions]\nwacc = {{ value = 0.05, low = 0.08, high = 0.03 }}\n{group}"),
            &["bad.toml", "assumptions.wacc", "above high"],
        ),
        (
            format!("[assumptions]\nwac = 0.05\n{group}"),
            &["assumptions.wac", "did you mean 'wacc'"],
        ),
        (
            format!("{group}[compare]\nequivalent = [\"ascend-910c\"]\n"),
            &["compare.equivalent", "workload"],
        ),
        (
            format!("{group}[monte_carlo]\nsamples = 0\n"),
            &["monte_carlo.samples"],
        ),
        (
            format!("{group}[extra]\nx = 1\n"),
            &["bad.toml", "unknown field 'extra'"],
        ),
        (String::new(), &["bad.toml", "group", "at least one"]),
    ];
    for (body, needles) in cases {
        let e = bad(&body);
        for n in needles {
            assert!(e.contains(n), "{body:?} → {e} (wanted {n:?})");
        }
    }
    let e = Scenario::parse(
        catalogs(),
        "x.toml",
        "[[group]]\nchip = \"h200\"\ncount = 8\n",
    )
    .unwrap_err();
    assert!(e.to_string().contains("[scenario]"), "{e}");
    let e = Scenario::load(catalogs(), std::path::Path::new("/nonexistent/s.toml")).unwrap_err();
    assert!(e.to_string().contains("/nonexistent/s.toml"), "{e}");
}

#[test]
fn overrides_and_ranges_apply() {
    let s = Scenario::parse(
        catalogs(),
        "o.toml",
        &format!(
            "{HEAD}[assumptions]\nwacc = 0.05\n\"pue.cn\" = {{ value = 1.3, low = 1.2, high = 1.5 }}\n[[group]]\nchip = \"h200\"\ncount = 1000\n"
        ),
    )
    .unwrap();
    assert_eq!(s.overrides, ["pue.cn", "wacc"]);
    let p = &s.assumptions.values["pue.cn"];
    assert_eq!(
        (p.value, p.low, p.high, p.overridden),
        (1.3, 1.2, 1.5, true)
    );
    let r = run_scenario(catalogs(), &s).unwrap();
    // 1,000 × 1.4 kW × PUE 1.3.
    assert!((r.report.total.facility_mw - 1.82).abs() < 1e-9);
    // Defaults: compliance for the site's country on the group's date.
    assert_eq!(r.compliance.len(), 1);
    assert_eq!(r.compliance[0].destination, "CN");
    assert_eq!(r.compliance[0].review_policy, "case-by-case");
}

#[test]
fn progress_is_reported_by_stage_and_can_stop_a_run() {
    use chipmodel_fleet::{FleetError, run_scenario_with_progress};
    let s = Scenario::seed(catalogs()).unwrap();
    let mut seen: Vec<(String, usize, usize)> = Vec::new();
    let r = run_scenario_with_progress(catalogs(), &s, &mut |stage, done, total| {
        seen.push((stage.to_string(), done, total));
        true
    })
    .unwrap();
    // the same result as without a callback
    assert_eq!(r.report, run_scenario(catalogs(), &s).unwrap().report);
    let stages: Vec<&str> = seen
        .iter()
        .map(|(s, _, _)| s.as_str())
        .fold(Vec::new(), |mut v, s| {
            if v.last() != Some(&s) {
                v.push(s);
            }
            v
        });
    assert_eq!(
        stages,
        [
            "fleet",
            "equivalents",
            "monte carlo",
            "sensitivity",
            "compliance",
            "export shock",
            "hybrid plan"
        ]
    );
    let mc: Vec<_> = seen.iter().filter(|(s, _, _)| s == "monte carlo").collect();
    assert_eq!(mc.len(), 17, "ticks at 0, every 64 draws, and 1000");
    assert_eq!(mc.last().map(|(_, d, t)| (*d, *t)), Some((1000, 1000)));
    assert!(mc.windows(2).all(|w| w[0].1 < w[1].1));

    // a callback that says stop ends the run in the stage it is in
    let mut calls = 0;
    let err = run_scenario_with_progress(catalogs(), &s, &mut |stage, done, _| {
        calls += 1;
        !(stage == "monte carlo" && done >= 500)
    })
    .unwrap_err();
    assert!(
        matches!(&err, FleetError::Interrupted { stage } if stage == "monte carlo"),
        "{err}"
    );
    assert_eq!(err.to_string(), "interrupted during monte carlo");
    assert!(calls < 20, "{calls}");
}

/// A fresh folder under the target directory for file-based tests.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("chipmodel-scenario-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    dir
}

#[test]
fn a_scenario_extends_a_shipped_one_or_a_file_beside_it() {
    // A shipped id: everything inherited but what the file sets.
    let half = Scenario::parse(
        catalogs(),
        "half.toml",
        "[scenario]\nid = \"half\"\ntitle = \"Half\"\nextends = \"seed-h200-china-2026\"\n\
         [[group]]\nchip = \"h200\"\ncount = 200000\nsite = \"cn\"\ndate = \"2026-02-01\"\n",
    )
    .unwrap();
    let seed = Scenario::seed(catalogs()).unwrap();
    assert_eq!(half.id, "half");
    assert_eq!(half.fleet.groups.len(), 1);
    assert_eq!(half.fleet.groups[0].count, 200_000.0);
    assert_eq!(half.workload, seed.workload);
    assert_eq!(half.monte_carlo, seed.monte_carlo);
    assert_eq!(half.overrides, seed.overrides);
    let (a, b) = (
        run_scenario(catalogs(), &half).unwrap().report.total,
        run_scenario(catalogs(), &seed).unwrap().report.total,
    );
    assert!((a.facility_mw * 2.0 - b.facility_mw).abs() < 1e-6);

    // A file beside it, and one in a subfolder.
    let dir = scratch("extends");
    std::fs::write(
        dir.join("base.toml"),
        "[scenario]\nid = \"base\"\ntitle = \"Base\"\n[assumptions]\nwacc = 0.09\n[[group]]\nchip = \"h100\"\ncount = 100\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("sub/more.toml"),
        "[scenario]\nid = \"more\"\ntitle = \"More\"\n[[group]]\nchip = \"h100\"\ncount = 300\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("child.toml"),
        "[scenario]\nid = \"child\"\nextends = \"base.toml\"\n[assumptions]\n\"pue.cn\" = 1.3\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("grandchild.toml"),
        "[scenario]\nid = \"gc\"\nextends = \"sub/more.toml\"\n",
    )
    .unwrap();
    let child = Scenario::load(catalogs(), &dir.join("child.toml")).unwrap();
    assert_eq!((child.id.as_str(), child.title.as_str()), ("child", "Base"));
    assert_eq!(child.assumptions.get("wacc").unwrap(), 0.09); // the base's override kept
    assert_eq!(child.assumptions.get("pue.cn").unwrap(), 1.3); // tables merge key by key
    let gc = Scenario::load(catalogs(), &dir.join("grandchild.toml")).unwrap();
    assert_eq!(gc.fleet.groups[0].count, 300.0);
}

#[test]
fn extends_cannot_leave_the_folder_loop_or_name_nothing() {
    let dir = scratch("escape");
    let outside = dir
        .parent()
        .unwrap()
        .join(format!("chipmodel-outside-{}.toml", std::process::id()));
    std::fs::write(
        &outside,
        "[scenario]\nid = \"o\"\ntitle = \"O\"\n[[group]]\nchip = \"h100\"\ncount = 1\n",
    )
    .unwrap();
    let cases = [
        (
            "up.toml",
            format!(
                "extends = \"../{}\"",
                outside.file_name().unwrap().to_str().unwrap()
            ),
            "outside the scenario's folder",
        ),
        (
            "sub/up2.toml",
            "extends = \"../../etc/passwd\"".to_string(),
            "scenario.extends",
        ),
        (
            "abs.toml",
            format!("extends = \"{}\"", outside.display()),
            "an absolute path",
        ),
        (
            "self.toml",
            "extends = \"self.toml\"".to_string(),
            "a cycle",
        ),
        (
            "missing.toml",
            "extends = \"nope.toml\"".to_string(),
            "'nope.toml'",
        ),
        (
            "number.toml",
            "extends = 3".to_string(),
            "expected a scenario id or a file name",
        ),
    ];
    for (name, line, needle) in &cases {
        let path = dir.join(name);
        std::fs::write(
            &path,
            format!("[scenario]\nid = \"x\"\ntitle = \"X\"\n{line}\n"),
        )
        .unwrap();
        let e = Scenario::load(catalogs(), &path).unwrap_err().to_string();
        assert!(
            e.contains(needle) && e.contains("scenario.extends"),
            "{name}: {e}"
        );
    }
    // a link inside the folder that points outside it is still outside
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&outside, dir.join("link.toml")).unwrap();
        std::fs::write(
            dir.join("via-link.toml"),
            "[scenario]\nid = \"x\"\ntitle = \"X\"\nextends = \"link.toml\"\n",
        )
        .unwrap();
        let e = Scenario::load(catalogs(), &dir.join("via-link.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("outside the scenario's folder"), "{e}");
    }
    // a ring of two files
    std::fs::write(
        dir.join("a.toml"),
        "[scenario]\nid = \"a\"\ntitle = \"A\"\nextends = \"b.toml\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("b.toml"),
        "[scenario]\nid = \"b\"\ntitle = \"B\"\nextends = \"a.toml\"\n",
    )
    .unwrap();
    let e = Scenario::load(catalogs(), &dir.join("a.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("a cycle"), "{e}");
    // text without a folder may extend only a shipped scenario
    let e = Scenario::parse(
        catalogs(),
        "t.toml",
        "[scenario]\nid = \"x\"\ntitle = \"X\"\nextends = \"base.toml\"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("not a shipped scenario") && e.contains("seed-h200-china-2026"),
        "{e}"
    );
    let _ = std::fs::remove_file(outside);
}

#[test]
fn a_day_is_written_one_way_and_a_month_is_refused_at_load() {
    let group = "[[group]]\nchip = \"h200\"\ncount = 8\n";
    // A month where a day is needed fails when the file is read, naming the field, not later in
    // run_scenario.
    for (body, field) in [
        (format!("{group}date = \"2026-02\"\n"), "group[0].date"),
        (
            format!("{group}[compliance]\ndates = [\"2026-02-01\", \"2026-02\"]\n"),
            "compliance.dates[1]",
        ),
        (
            format!("{group}[shock]\ndate = \"2026\"\nchips = [\"h200\"]\n"),
            "shock.date",
        ),
        (format!("{group}date = \"2025-02-29\"\n"), "group[0].date"),
    ] {
        let e = bad(&body);
        assert!(e.contains(&format!("field '{field}'")), "{e}");
        assert!(
            e.contains("YYYY-MM-DD") || e.contains("calendar day"),
            "{e}"
        );
    }
    // A TOML date and the same date quoted are the same day.
    let text = |d: &str| format!("{HEAD}{group}date = {d}\n");
    let plain = Scenario::parse(catalogs(), "a.toml", &text("2026-03-01")).unwrap();
    let quoted = Scenario::parse(catalogs(), "a.toml", &text("\"2026-03-01\"")).unwrap();
    assert_eq!(plain.fleet, quoted.fleet);
    assert_eq!(plain.fleet.groups[0].date, "2026-03-01");
}

#[test]
fn unknown_keys_read_the_same_in_every_table() {
    for (body, field) in [
        (
            "[[group]]\nchip = \"h200\"\ncount = 8\ncolour = 1\n",
            "group[0].colour",
        ),
        (
            "[[group]]\nchip = \"h200\"\ncount = 8\n[workload]\nmodel = \"llama-3.1-8b\"\nbatch = 4\n",
            "workload.batch",
        ),
        (
            "[[group]]\nchip = \"h200\"\ncount = 8\n[compare]\nsite = \"cn\"\n",
            "compare.site",
        ),
        (
            "[[group]]\nchip = \"h200\"\ncount = 8\n[hybrid]\ndemand = []\n[[hybrid.supply]]\nchip = \"h200\"\ncap = 3\n",
            "hybrid.supply[0].cap",
        ),
    ] {
        let e = bad(body);
        assert!(
            e.contains(&format!("field '{field}'")) && e.contains("unknown field '"),
            "{e}"
        );
        assert!(e.contains("(expected one of: "), "{e}");
    }
}
