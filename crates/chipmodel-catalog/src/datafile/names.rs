//! Names: the normal form every lookup uses, and the closest ids to a name that matched nothing.

use std::collections::HashMap;

use crate::chip::Chip;

/// Normalizes a name for lookup: trimmed, lowercase, spaces and underscores as '-'.
pub fn normalize(name: &str) -> String {
    name.trim()
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '_')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Lookup keys for a chip: its id, aliases and normalized name.
pub(crate) fn keys(chip: &Chip) -> Vec<(String, &'static str)> {
    let mut k = vec![(normalize(&chip.id), "chip id")];
    k.extend(chip.aliases.iter().map(|a| (normalize(a), "alias")));
    k
}

/// The closest ids to `query`, best first: ids or aliases containing it, then by edit distance.
pub(crate) fn suggest(query: &str, index: &HashMap<String, usize>, chips: &[Chip]) -> Vec<String> {
    suggest_from(
        query,
        index
            .iter()
            .map(|(k, &i)| (k.as_str(), chips[i].id.as_str())),
    )
}

/// The closest ids to `query` among `(lookup key, id)` pairs, best first: keys containing the
/// query (or contained in it), then by Damerau–Levenshtein similarity; at most three.
pub fn suggest_from<'a>(
    query: &str,
    keys: impl Iterator<Item = (&'a str, &'a str)>,
) -> Vec<String> {
    let q = normalize(query);
    let mut scored: Vec<(f64, &str)> = keys
        .map(|(key, id)| {
            let contains = !q.is_empty() && (key.contains(&q) || q.contains(key));
            let score =
                strsim::normalized_damerau_levenshtein(&q, key) + if contains { 1.0 } else { 0.0 };
            (score, id)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let mut out: Vec<String> = Vec::new();
    for (score, id) in scored {
        if score < 0.4 || out.len() == 3 {
            break;
        }
        if !out.iter().any(|o| o == id) {
            out.push(id.to_string());
        }
    }
    out
}
