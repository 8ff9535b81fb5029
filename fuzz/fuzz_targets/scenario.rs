//! Any bytes as a scenario file: a scenario or an error, never a panic; a scenario that loads
//! gets its fleet report and saves to a file that loads to the same scenario.
#![no_main]

use chipmodel_fleet::Scenario;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(s) = Scenario::parse("fuzz.toml", text) else {
        return;
    };
    let _ = s.fleet.report(&s.assumptions);
    let again = Scenario::parse("fuzz.toml", &s.to_toml()).expect("a saved scenario loads");
    assert_eq!(again, s);
});
