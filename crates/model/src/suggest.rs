//! "Did you mean" suggestions for misspelt keys and ids.

/// Above this many candidates, only the first few misses get a suggestion, so that a file with
/// thousands of bad references against a million ids still validates quickly.
const MANY_CANDIDATES: usize = 10_000;

/// Suggests the candidate closest to `wrong` by edit distance, when one is close enough to be a
/// plausible typo, or one that ends with `/wrong` (a path given without its prefix).
/// Linear in the number of candidates.
pub(crate) fn closest<'c>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let budget = (wrong.chars().count() / 3).clamp(1, 3);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate.len().abs_diff(wrong.len()) > budget
            && !(candidate.ends_with(wrong)
                && candidate[..candidate.len() - wrong.len()].ends_with('/'))
        {
            continue;
        }
        let distance =
            if candidate.ends_with(wrong) { 1 } else { strsim::levenshtein(wrong, candidate) };
        if distance <= budget && best.is_none_or(|(d, c)| (distance, candidate) < (d, c)) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Rations suggestions when the candidate list is large.
pub(crate) struct Suggester {
    n_candidates: usize,
    n_asked: usize,
}

impl Suggester {
    pub(crate) fn new(n_candidates: usize) -> Self {
        Self { n_candidates, n_asked: 0 }
    }

    /// Whether this miss may be given a suggestion.
    pub(crate) fn may_suggest(&mut self) -> bool {
        self.n_asked += 1;
        self.n_candidates <= MANY_CANDIDATES || self.n_asked <= 20
    }
}
