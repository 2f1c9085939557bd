//! "Did you mean" suggestions for misspelt keys and ids.

/// The first this many misses always get a suggestion.
const ALWAYS_SUGGESTED: usize = 20;

/// Past the first few, misses get a suggestion only while the search has compared at most this
/// many candidate characters in all, so that a file with thousands of bad references against a
/// million ids, or against long ids, still validates quickly.
const MAX_WORK: usize = 5_000_000;

/// Suggests the candidate closest to `wrong` by edit distance, when one is close enough to be a
/// plausible typo, or one that ends with `/wrong` (a path given without its prefix).
/// Linear in the number of candidates and the length of `wrong`.
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
        let distance = if candidate.ends_with(wrong) {
            1
        } else {
            match levenshtein_within(wrong, candidate, budget) {
                Some(distance) => distance,
                None => continue,
            }
        };
        if distance <= budget && best.is_none_or(|(d, c)| (distance, candidate) < (d, c)) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// The edit distance (in characters) between `a` and `b` if it is at most `max`, else `None`.
/// Only the band of `2 * max + 1` diagonals is computed, so this takes O(len × max) time, where a
/// full edit distance between two long ids would take O(len²).
pub(crate) fn levenshtein_within(a: &str, b: &str, max: usize) -> Option<usize> {
    if a.is_ascii() && b.is_ascii() {
        banded_levenshtein(a.as_bytes(), b.as_bytes(), max)
    } else {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        banded_levenshtein(&a, &b, max)
    }
}

fn banded_levenshtein<T: PartialEq>(a: &[T], b: &[T], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let too_far = max + 1;
    let width = 2 * max + 1;
    // Row i holds the distances between a[..i] and b[..j] for j = i + k - max, k in 0..width,
    // capped at too_far; cells off either end of b hold too_far.
    let mut previous: Vec<usize> = (0..width)
        .map(|k| if k >= max && k - max <= b.len() { k - max } else { too_far })
        .collect();
    let mut current = vec![too_far; width];
    for i in 1..=a.len() {
        let mut row_min = too_far;
        for k in 0..width {
            let distance = match (i + k).checked_sub(max) {
                Some(0) => i.min(too_far),
                Some(j) if j <= b.len() => {
                    let substitution = previous[k] + usize::from(a[i - 1] != b[j - 1]);
                    let deletion = previous.get(k + 1).map_or(too_far, |d| d + 1);
                    let insertion = if k > 0 { current[k - 1] + 1 } else { too_far };
                    substitution.min(deletion).min(insertion).min(too_far)
                }
                _ => too_far,
            };
            current[k] = distance;
            row_min = row_min.min(distance);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    Some(previous[b.len() + max - a.len()]).filter(|&distance| distance <= max)
}

/// Rations suggestions by the work their search takes.
pub(crate) struct Suggester {
    n_asked: usize,
    work: usize,
}

impl Suggester {
    pub(crate) fn new() -> Self {
        Self { n_asked: 0, work: 0 }
    }

    /// Whether a miss `wrong_len` bytes long may be given a suggestion from `n_candidates` ids.
    pub(crate) fn may_suggest(&mut self, n_candidates: usize, wrong_len: usize) -> bool {
        self.n_asked += 1;
        self.work = self.work.saturating_add(n_candidates.saturating_mul(wrong_len + 1));
        self.n_asked <= ALWAYS_SUGGESTED || self.work <= MAX_WORK
    }
}
