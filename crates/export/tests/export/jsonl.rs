//! JSON Lines output against the shared schema, plus a proof that the validator bites.

use crate::fixtures;
use jsonschema::Validator;
use proptest::prelude::*;
use recount_export::write_jsonl;
use recount_model::Incident;
use serde_json::Value;

/// The compiled schema, `../shared/schema/incident.schema.json` (so only for `shared_`
/// tests: see `recount_testkit`).
fn validator() -> Validator {
    let path = recount_testkit::shared().join("schema/incident.schema.json");
    let text = std::fs::read_to_string(path).expect("schema file is readable");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

fn errors(validator: &Validator, line: &Value) -> Vec<String> {
    validator
        .iter_errors(line)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn export(incidents: &[Incident]) -> String {
    let mut out = Vec::new();
    let n = write_jsonl(&mut out, incidents).expect("export to memory succeeds");
    assert_eq!(n, incidents.len());
    String::from_utf8(out).expect("JSON Lines are UTF-8")
}

#[test]
fn shared_every_line_validates_against_the_schema() {
    let validator = validator();
    let incidents = fixtures::all();
    let text = export(&incidents);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), incidents.len());
    assert!(text.ends_with('\n'));
    for (line, incident) in lines.iter().zip(&incidents) {
        let value: Value = serde_json::from_str(line).expect("each line is one JSON object");
        let errs = errors(&validator, &value);
        assert!(errs.is_empty(), "{}: {errs:?}", incident.id);
    }
}

#[test]
fn lines_carry_the_shapes_the_fixtures_were_built_for() {
    let text = export(&fixtures::all());
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    let dead = &lines[0]["figures"]["dead"];
    assert_eq!(
        (dead["best"].as_i64(), dead["low"].as_i64()),
        (Some(53), Some(4))
    );
    assert_eq!(dead["claims"].as_array().map(Vec::len), Some(3));
    assert!(lines[1]["location"]["adcode"].is_null());
    assert_eq!(lines[1]["location"]["level"], "country");
    assert_eq!(lines[2]["date"], "2025-06");
    assert_eq!(lines[2]["figures"], serde_json::json!({}));
    assert_eq!(lines[3]["date"], "2021");
    assert!(lines[3]["location"].is_null());
}

#[test]
fn lines_read_back_into_the_same_incidents() {
    let incidents = fixtures::all();
    let text = export(&incidents);
    let back: Vec<Incident> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a line reads back as an Incident"))
        .collect();
    assert_eq!(back, incidents);
}

#[test]
fn shared_broken_lines_fail_validation() {
    let validator = validator();
    let good: Value =
        serde_json::to_value(fixtures::accident_with_revised_toll()).expect("serialises");
    assert!(validator.is_valid(&good));

    type Breakage = (&'static str, fn(&mut Value));
    let breakages: [Breakage; 5] = [
        ("unknown type", |v| v["type"] = "riot".into()),
        ("slashed date", |v| v["date"] = "2025/11/01".into()),
        ("five-digit adcode", |v| {
            v["location"]["adcode"] = "15292".into()
        }),
        ("no sources", |v| v["sources"] = serde_json::json!([])),
        ("unknown flag", |v| v["flags"] = serde_json::json!(["hot"])),
    ];
    for (what, breakage) in breakages {
        let mut bad = good.clone();
        breakage(&mut bad);
        assert!(!validator.is_valid(&bad), "{what} passed validation");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any text in the free fields still yields one line that reads back unchanged.
    #[test]
    fn free_text_never_breaks_a_line(title in "\\PC*", place in "[\\p{Han}a-z ,\"\\n]{0,12}") {
        let inc = with_free_text(title, place);
        let text = export(std::slice::from_ref(&inc));
        prop_assert_eq!(text.lines().count(), 1);
        let back: Incident = serde_json::from_str(text.trim_end()).expect("reads back");
        prop_assert_eq!(&back, &inc);
    }

    /// And that line is valid against the schema.
    #[test]
    fn shared_free_text_lines_stay_valid(title in "\\PC*", place in "[\\p{Han}a-z ,\"\\n]{0,12}") {
        let text = export(&[with_free_text(title, place)]);
        let value: Value = serde_json::from_str(text.trim_end()).expect("JSON");
        prop_assert!(validator().is_valid(&value));
    }
}

/// The revised-toll fixture with `title` and `place` (the place's detail) in its free fields.
fn with_free_text(title: String, place: String) -> Incident {
    let mut inc = fixtures::accident_with_revised_toll();
    inc.title = title;
    if let Some(p) = inc.location.as_mut() {
        p.detail = Some(place);
    }
    inc
}
