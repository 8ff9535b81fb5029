//! Every kind of bad catalog input gets a clear error naming the file, the chip and the field,
//! and a file with one bad entry loads nothing.

use chipmodel_catalog::{Catalog, CatalogError};

const SOURCES: &str = r#"
[sources.lab]
title = "Our lab"
url = "https://example.com/lab"
date = "2026-11"
kind = "estimate"
"#;

/// A complete, valid chip; tests break one thing at a time.
const GOOD_CHIP: &str = r#"
[[chip]]
id = "acme-a1"
name = "Acme A1"
vendor = "Acme"
form_factor = "pcie"
datacenter = { value = true, source = "lab" }
release_date = { value = "2026-06", source = "lab" }
process = { value = "N3", non_planar = true, source = "lab" }
die_area = { value = 600, unit = "mm2", source = "lab" }
memory_type = { value = "HBM3e", source = "lab" }
memory_capacity = { value = 96, unit = "GB", source = "lab" }
memory_bandwidth = { value = 4, unit = "TB/s", source = "lab" }
tdp = { value = 500, unit = "W", source = "lab" }
[chip.dense]
bf16 = { value = 500, unit = "TFLOP/s", sparse = 1000, source = "lab" }
fp8 = { value = 1000, unit = "TFLOP/s", source = "lab" }
"#;

fn load(chip: &str) -> Result<Catalog, CatalogError> {
    Catalog::embedded().with_toml("mine.toml", &format!("{SOURCES}{chip}"))
}

/// Loads GOOD_CHIP with `from` replaced by `to`, expects an error, and returns its message.
fn broken(from: &str, to: &str) -> String {
    assert!(
        GOOD_CHIP.contains(from),
        "test bug: {from:?} not in GOOD_CHIP"
    );
    let err = load(&GOOD_CHIP.replacen(from, to, 1)).expect_err("must fail");
    err.to_string()
}

#[test]
fn the_good_chip_loads_and_derives() {
    let c = load(GOOD_CHIP).unwrap();
    let a1 = c.get("ACME-A1").unwrap();
    assert_eq!(a1.tpp(), 8_000.0);
    assert_eq!(a1.performance_density(), Some(8_000.0 / 600.0));
    assert_eq!(c.len(), Catalog::embedded().len() + 1);
    assert_eq!(c.origin("acme-a1"), Some("mine.toml"));
}

#[test]
fn unknown_field() {
    let msg = broken(
        "tdp = {",
        "tdpp = { value = 1, unit = \"W\", source = \"lab\" }\ntdp = {",
    );
    insta::assert_snapshot!(msg, @"mine.toml: chip 'acme-a1', field 'tdpp': unknown field 'tdpp' (expected one of: id, name, vendor, aliases, form_factor, datacenter, release_date, process, die_area, transistors, memory_type, memory_capacity, device_memory, memory_bandwidth, scale_up_bandwidth, io_bandwidth, scale_out, tdp, price, dense)");
}

#[test]
fn unknown_field_inside_a_value() {
    let msg = broken("unit = \"W\",", "unit = \"W\", confidence = 0.9,");
    assert!(
        msg.contains("field 'tdp.confidence': unknown field 'confidence'"),
        "{msg}"
    );
}

#[test]
fn missing_required_field() {
    let msg = broken(
        "tdp = { value = 500, unit = \"W\", source = \"lab\" }\n",
        "",
    );
    insta::assert_snapshot!(msg, @"mine.toml: chip 'acme-a1', field 'tdp': missing required field");
}

#[test]
fn missing_source() {
    let msg = broken("unit = \"W\", source = \"lab\"", "unit = \"W\"");
    insta::assert_snapshot!(msg, @"mine.toml: chip 'acme-a1', field 'tdp.source': missing source: every value needs a source key");
}

#[test]
fn unknown_source_key() {
    let msg = broken(
        "unit = \"W\", source = \"lab\"",
        "unit = \"W\", source = \"labb\"",
    );
    insta::assert_snapshot!(msg, @"mine.toml: chip 'acme-a1', field 'tdp.source': unknown source key 'labb' (define it under [sources.labb])");
}

#[test]
fn negative_zero_nan_and_infinite_values() {
    for (bad, expected) in [
        ("-500", "must be positive, got -500"),
        ("0", "must be positive, got 0"),
        ("0.0", "must be positive, got 0"),
        ("nan", "must be a finite number, got NaN"),
        ("inf", "must be a finite number, got inf"),
        ("-inf", "must be a finite number, got -inf"),
        ("\"500\"", "expected a number, got a string '500'"),
    ] {
        let msg = broken(
            "value = 500, unit = \"W\"",
            &format!("value = {bad}, unit = \"W\""),
        );
        assert_eq!(
            msg,
            format!("mine.toml: chip 'acme-a1', field 'tdp.value': {expected}"),
            "{bad}"
        );
    }
}

#[test]
fn missing_and_wrong_units() {
    let msg = broken("value = 4, unit = \"TB/s\",", "value = 4,");
    insta::assert_snapshot!(msg, @"mine.toml: chip 'acme-a1', field 'memory_bandwidth.unit': missing unit: memory_bandwidth is a bandwidth (one of: B/s, MB/s, GB/s, TB/s, GiB/s, TiB/s, Mb/s, Gb/s, Tb/s)");
    let msg = broken("value = 4, unit = \"TB/s\",", "value = 4, unit = \"TB\",");
    insta::assert_snapshot!(msg, @"mine.toml: chip 'acme-a1', field 'memory_bandwidth.unit': 'TB' is not a bandwidth unit (expected one of: B/s, MB/s, GB/s, TB/s, GiB/s, TiB/s, Mb/s, Gb/s, Tb/s)");
}

#[test]
fn sparse_smaller_than_dense() {
    let msg = broken("sparse = 1000", "sparse = 250");
    insta::assert_snapshot!(msg, @"mine.toml: chip 'acme-a1', field 'dense.bf16.sparse': sparse figure 250 is smaller than the dense value 500 TFLOP/s");
}

#[test]
fn unknown_precision_and_form_factor() {
    let msg = broken("fp8 = {", "fp12 = {");
    assert!(
        msg.starts_with("mine.toml: chip 'acme-a1', field 'dense.fp12': unknown precision 'fp12'"),
        "{msg}"
    );
    let msg = broken("form_factor = \"pcie\"", "form_factor = \"card\"");
    assert!(msg.contains("field 'form_factor': unknown form factor 'card' (expected one of: sxm, pcie, oam, superchip, module)"), "{msg}");
}

#[test]
fn bad_dates_and_types() {
    let msg = broken("\"2026-06\"", "\"June 2026\"");
    assert!(
        msg.contains("field 'release_date.value': 'June 2026' is not a date"),
        "{msg}"
    );
    let msg = broken("value = true", "value = \"yes\"");
    assert!(
        msg.contains("field 'datacenter.value': expected true or false, got 'yes'"),
        "{msg}"
    );
    let msg = broken(
        "tdp = { value = 500, unit = \"W\", source = \"lab\" }",
        "tdp = 500",
    );
    assert!(
        msg.contains("field 'tdp': expected a table like { value = …, source = … }, got 500"),
        "{msg}"
    );
}

#[test]
fn die_area_needs_a_process() {
    let msg = broken(
        "process = { value = \"N3\", non_planar = true, source = \"lab\" }\n",
        "",
    );
    assert!(
        msg.contains("field 'process': missing: required when die_area is given"),
        "{msg}"
    );
}

#[test]
fn duplicate_ids() {
    let twice = format!("{GOOD_CHIP}{GOOD_CHIP}");
    let msg = load(&twice).unwrap_err().to_string();
    insta::assert_snapshot!(msg, @"mine.toml: duplicate chip id 'acme-a1' (already defined in mine.toml — use [[override]] to change it)");
    let msg = broken("id = \"acme-a1\"", "id = \"h100-sxm\"");
    assert_eq!(
        msg,
        "mine.toml: duplicate chip id 'h100-sxm' (already defined in nvidia.toml — use [[override]] to change it)"
    );
    let msg = broken(
        "vendor = \"Acme\"",
        "vendor = \"Acme\"\naliases = [\"h100\"]",
    );
    assert!(msg.contains("duplicate alias 'h100'"), "{msg}");
    let err = Catalog::embedded()
        .with_toml("mine.toml", &format!("{SOURCES}{SOURCES}"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("invalid TOML"), "{err}");
    let err = Catalog::embedded()
        .with_toml(
            "mine.toml",
            &SOURCES.replace("[sources.lab]", "[sources.epoch-ml-hardware]"),
        )
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "mine.toml: duplicate source key 'epoch-ml-hardware' (already defined in sources.toml)"
    );
}

#[test]
fn invalid_id() {
    let msg = broken("id = \"acme-a1\"", "id = \"Acme A1\"");
    assert!(
        msg.contains("chip 'Acme A1', field 'id': 'Acme A1' is not a valid id"),
        "{msg}"
    );
}

#[test]
fn syntax_error_names_the_file_and_line() {
    let err = load("[[chip]\nid = 1").unwrap_err();
    assert!(matches!(err, CatalogError::Syntax { .. }));
    let msg = err.to_string();
    assert!(msg.starts_with("mine.toml: invalid TOML:"), "{msg}");
    assert!(msg.contains("line"), "{msg}");
}

#[test]
fn unknown_top_level_key() {
    let err = load("[[chips]]\nid = \"x\"").unwrap_err().to_string();
    assert!(err.contains("unknown top-level key 'chips'"), "{err}");
}

#[test]
fn one_bad_entry_loads_nothing() {
    let good_then_bad = format!(
        "{GOOD_CHIP}{}",
        GOOD_CHIP
            .replace("acme-a1", "acme-a2")
            .replace("value = 500, unit = \"W\"", "value = -1, unit = \"W\"")
    );
    let err = load(&good_then_bad).unwrap_err().to_string();
    assert!(err.contains("chip 'acme-a2', field 'tdp.value'"), "{err}");
    // The embedded catalog is untouched and the good chip was not half-loaded anywhere.
    assert!(Catalog::embedded().get("acme-a1").is_err());
}

#[test]
fn overrides_change_one_field_and_keep_the_rest() {
    let c = load(
        r#"
[[override]]
id = "H100"
tdp = { value = 650, unit = "W", source = "lab", note = "power-capped" }
[override.dense]
bf16 = { value = 900, unit = "TFLOP/s", source = "lab" }
"#,
    )
    .unwrap();
    let h100 = c.get("h100-sxm").unwrap();
    assert_eq!(h100.tdp_w(), 650.0);
    assert_eq!(
        h100.dense_flops_per_s(chipmodel_catalog::Precision::Bf16),
        Some(900e12)
    );
    assert_eq!(h100.tpp(), 15_832.0); // int8/fp8 untouched
    assert_eq!(h100.provenance("tdp").unwrap().source, "lab");
    assert!(
        c.origin("h100-sxm")
            .unwrap()
            .contains("overridden in mine.toml")
    );
}

#[test]
fn override_errors() {
    let err = load("[[override]]\nid = \"h300\"\n")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("mine.toml: override 'h300', field 'id': no loaded chip has id or alias 'h300'; did you mean"), "{err}");
    let err = load("[[override]]\nid = \"h100\"\n[override.dense]\nbf16 = { value = 900, unit = \"TFLOP/s\", sparse = 100, source = \"lab\" }\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("override 'h100-sxm', field 'dense.bf16.sparse'"),
        "{err}"
    );
}

#[test]
fn bad_sources() {
    let err = Catalog::embedded()
        .with_toml(
            "mine.toml",
            &SOURCES.replace("https://example.com/lab", "example.com"),
        )
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "mine.toml: source 'lab', field 'url': 'example.com' is not an http(s) URL"
    );
    let err = Catalog::embedded()
        .with_toml("mine.toml", &SOURCES.replace("estimate", "rumour"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("source 'lab', field 'kind': unknown kind 'rumour'"),
        "{err}"
    );
}

#[test]
fn missing_file() {
    let err = Catalog::embedded()
        .with_file("/no/such/chips.toml")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("cannot read data file '/no/such/chips.toml':"),
        "{err}"
    );
}

#[test]
fn unknown_chip_suggests_closest_ids() {
    let err = Catalog::embedded().get("h2000").unwrap_err();
    let CatalogError::UnknownChip { suggestions, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        suggestions.iter().any(|s| s == "h200-sxm"),
        "{suggestions:?}"
    );
    let err = Catalog::embedded().get("").unwrap_err().to_string();
    assert!(err.starts_with("unknown chip ''"), "{err}");
}

#[test]
fn empty_and_huge_inputs_do_not_hang() {
    // An empty file is a valid file with nothing in it.
    assert_eq!(load("").unwrap().len(), Catalog::embedded().len());
    // A deeply nested value is rejected by the parser, not by a stack overflow.
    let deep = format!("x = {}1{}", "[".repeat(5000), "]".repeat(5000));
    assert!(Catalog::embedded().with_toml("deep.toml", &deep).is_err());
}
