//! Whether one word is a long random-looking string:
//! [`SecretShape::HighEntropy`](super::SecretShape::HighEntropy).
//!
//! [`secret_shape`](super::secret_shape) judges a whole value as one word;
//! [`mask_tokens`](super::mask_tokens) judges each word of a line of code.
//!
//! Choices:
//!
//! - A word of at least 20 ASCII characters with a letter and a digit and no whitespace, `.`,
//!   `,`, `:`, `;`, quotes or backslashes (so no sentences, lists, hostnames, URLs, JSON or
//!   Windows paths). Hex needs 32+ characters and more than 3.0 bits per character; anything
//!   else needs `min(3.8, 0.8 * log2(len))` bits and must switch character class often or have
//!   few vowels, which keeps out identifiers such as `MyApp2024ProductionCluster`. The test
//!   `high_entropy_threshold_catches_random_tokens` pins the detection rate on random tokens.
//! - A UUID in its canonical 8-4-4-4-12 form is an identifier, not a secret. The same 32 hex
//!   digits without dashes are high-entropy, the form most 32-hex API keys take.
//! - Relative paths (`./`, `../`, `~/`) are not secrets. A word starting with `/` is an absolute
//!   path when a segment between slashes is a lower-case word of three or more letters
//!   (`/usr/...`, `/var/lib/...`) or every part is short; otherwise it is judged like any word,
//!   since standard base64 keys start with `/` one time in 64.
//! - Identifiers built from short parts (`prd-svc-db2-cfg-x86-64`) are not secrets.
//!
//! Every function here is one or two passes over the word, without allocating.

/// Minimum length for [`SecretShape::HighEntropy`](super::SecretShape::HighEntropy).
pub(super) const HIGH_ENTROPY_MIN_LEN: usize = 20;
/// Hex strings shorter than this are ids (Mongo ObjectIds, short commit hashes), not keys.
const HEX_MIN_LEN: usize = 32;
/// Bits per character a 32+ hex string needs (random hex averages 3.6-3.8).
const HEX_MIN_ENTROPY: f64 = 3.0;
/// Cap on the bits per character other strings need; below 32 characters the bar is
/// `0.8 * log2(len)` instead, because short random strings cannot reach high entropy. Random
/// base62 averages 4.0 bits at 20 characters and 4.5 at 32.
const MAX_REQUIRED_ENTROPY: f64 = 3.8;
/// Share of adjacent characters that switch class (see [`class_switches`]): random text sits
/// around 0.45, words and identifiers well below.
const MIN_CLASS_SWITCHES: f64 = 0.3;
/// Random text keeps few vowels among its letters (about 0.19 for `[a-z]`); words keep about 0.4.
const MAX_RANDOM_VOWEL_SHARE: f64 = 0.25;
/// Parts of an identifier (`prd-svc-db2`) are at most this long.
const MAX_IDENTIFIER_PART: usize = 12;

/// A long random-looking string: the whole word is base64, base62, a generated password, or 32+
/// hex digits.
pub(super) fn is_high_entropy(word: &str) -> bool {
    // Laravel's `APP_KEY=base64:...`.
    let word = word.strip_prefix("base64:").unwrap_or(word);
    let bytes = word.as_bytes();
    let len = bytes.len();
    if len < HIGH_ENTROPY_MIN_LEN || !word.is_ascii() {
        return false;
    }
    // Whitespace (sentences), separators of lists, hostnames, URLs, JSON and code.
    if bytes.iter().any(|&b| {
        !b.is_ascii_graphic()
            || matches!(b, b'.' | b',' | b':' | b';' | b'"' | b'\'' | b'`' | b'\\')
    }) {
        return false;
    }
    if ["./", "../", "~/"].iter().any(|p| word.starts_with(p))
        || is_absolute_path(word)
        || is_uuid(word)
    {
        return false;
    }
    if !bytes.iter().any(u8::is_ascii_alphabetic) || !bytes.iter().any(u8::is_ascii_digit) {
        return false;
    }
    let bits = entropy(bytes);
    if bytes.iter().all(u8::is_ascii_hexdigit) {
        return len >= HEX_MIN_LEN && bits > HEX_MIN_ENTROPY && class_switches(bytes) >= 0.2;
    }
    // Identifiers built from short parts: `prd-svc-db2-cfg-x86-64`, `TLS_AES_256_GCM_SHA384-v1`.
    if built_from_short_parts(word, &['-', '_']) {
        return false;
    }
    let required = (0.8 * (len as f64).log2()).min(MAX_REQUIRED_ENTROPY);
    bits >= required
        && (class_switches(bytes) >= MIN_CLASS_SWITCHES
            || vowel_share(bytes) < MAX_RANDOM_VOWEL_SHARE)
}

/// `/usr/local/bin`, `/var/lib/app/data/2024`, `/Users/Bob/Projects2024/App`: a leading `/` and
/// a lower-case directory name, or short parts only.
fn is_absolute_path(word: &str) -> bool {
    word.starts_with('/')
        && (word
            .split('/')
            .any(|segment| segment.len() >= 3 && segment.bytes().all(|b| b.is_ascii_lowercase()))
            || built_from_short_parts(word, &['/', '-', '_']))
}

/// Three or more parts between `separators`, none longer than [`MAX_IDENTIFIER_PART`].
fn built_from_short_parts(word: &str, separators: &[char]) -> bool {
    let mut parts = 0;
    for part in word.split(separators) {
        if part.len() > MAX_IDENTIFIER_PART {
            return false;
        }
        parts += 1;
    }
    parts >= 3
}

/// Shannon entropy in bits per byte.
pub(super) fn entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0usize; 256];
    for &b in bytes {
        counts[usize::from(b)] += 1;
    }
    let len = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / len;
            -p * p.log2()
        })
        .sum()
}

/// Share of adjacent characters that change class (digit, lower, upper, symbol such as `!` or
/// `$`), skipping separators (`-_/+=`) and counting an upper-case letter followed by a lower-case
/// one as the same word (`ProductionCluster` switches once, not three times).
fn class_switches(bytes: &[u8]) -> f64 {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        Digit,
        Lower,
        Upper,
        Symbol,
    }
    let mut previous = None;
    let mut classified = 0usize;
    let mut switches = 0usize;
    for b in bytes {
        let class = match b {
            b'0'..=b'9' => Class::Digit,
            b'a'..=b'z' => Class::Lower,
            b'A'..=b'Z' => Class::Upper,
            // Separators join words; they say nothing about randomness.
            b'-' | b'_' | b'/' | b'+' | b'=' => continue,
            _ => Class::Symbol,
        };
        if let Some(prev) = previous
            && prev != class
            && !(prev == Class::Upper && class == Class::Lower)
        {
            switches += 1;
        }
        previous = Some(class);
        classified += 1;
    }
    if classified < 2 {
        return 0.0;
    }
    switches as f64 / (classified - 1) as f64
}

fn vowel_share(bytes: &[u8]) -> f64 {
    let letters = bytes.iter().filter(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 {
        return 1.0;
    }
    let vowels = bytes
        .iter()
        .filter(|b| matches!(b.to_ascii_lowercase(), b'a' | b'e' | b'i' | b'o' | b'u'))
        .count();
    vowels as f64 / letters as f64
}

/// `8-4-4-4-12` hex digits, optionally in braces.
fn is_uuid(word: &str) -> bool {
    let word = word
        .strip_prefix('{')
        .and_then(|v| v.strip_suffix('}'))
        .unwrap_or(word);
    word.len() == 36 && {
        let mut groups = word.split('-');
        [8, 4, 4, 4, 12].iter().all(|&n| {
            groups
                .next()
                .is_some_and(|g| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
        }) && groups.next().is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator for calibration samples.
    struct XorShift(u64);

    impl XorShift {
        fn next_u64(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn string(&mut self, alphabet: &[u8], len: usize) -> String {
            (0..len)
                .map(|_| char::from(alphabet[(self.next_u64() % alphabet.len() as u64) as usize]))
                .collect()
        }
    }

    const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    #[test]
    fn high_entropy_threshold_catches_random_tokens() {
        const BASE62: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        const LOWER36: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        const HEX: &[u8] = b"0123456789abcdef";
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        // (alphabet, length, minimum share detected). Strings without both a letter and a digit
        // are never reported, which bounds the short lower-case cases.
        let cases: &[(&[u8], usize, f64)] = &[
            (BASE62, 20, 0.90),
            (BASE62, 24, 0.95),
            (BASE62, 32, 0.97),
            (BASE62, 64, 0.99),
            (BASE64, 44, 0.97),
            (LOWER36, 24, 0.85),
            (LOWER36, 32, 0.93),
            (HEX, 32, 0.97),
            (HEX, 64, 0.99),
        ];
        for &(alphabet, len, min_share) in cases {
            let samples = 2000;
            let found = (0..samples)
                .filter(|_| is_high_entropy(&rng.string(alphabet, len)))
                .count();
            let share = found as f64 / samples as f64;
            assert!(
                share >= min_share,
                "alphabet of {} at length {len}: {share}",
                alphabet.len()
            );
        }
    }

    #[test]
    fn base64_keys_starting_with_a_slash_are_random_not_paths() {
        let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
        let samples = 2000;
        let found = (0..samples)
            .filter(|_| is_high_entropy(&format!("/{}=", rng.string(BASE64, 42))))
            .count();
        let share = found as f64 / samples as f64;
        assert!(share >= 0.95, "{share}");
        assert!(is_high_entropy(
            "/b5tBB3iDngWnNY8roT4oweO215cz5AtkY+RmwbnShX="
        ));
    }

    #[test]
    fn absolute_paths_are_not_random() {
        for path in [
            "/var/lib/app/data/uploads/2024",
            "/usr/local/lib/python3.12",
            "/opt/App2024/Config/Prod9",
            "/Users/Bob/Projects2024/App",
            "/home/runner/work/x86-64",
            "/srv/8e7910caf7bdb428f1e04a39a5e2643d",
        ] {
            assert!(!is_high_entropy(path), "{path}");
        }
    }

    #[test]
    fn uuids_and_short_part_identifiers() {
        assert!(is_uuid("550e8400-e29b-41d4-a716-446655440000"));
        assert!(is_uuid("{550e8400-e29b-41d4-a716-446655440000}"));
        assert!(!is_uuid("550e8400-e29b-41d4-a716-44665544000g"));
        assert!(!is_uuid("550e8400e29b-41d4-a716-4466-55440000"));
        assert!(built_from_short_parts(
            "prd-svc-db2-cfg-x86-64",
            &['-', '_']
        ));
        assert!(!built_from_short_parts("prd-svc", &['-', '_']));
        assert!(!built_from_short_parts("a-b-averyveryverylongpart", &['-']));
    }

    #[test]
    fn class_switches_and_vowels() {
        assert_eq!(class_switches(b"ProductionCluster"), 1.0 / 16.0);
        assert_eq!(class_switches(b"a1a1"), 1.0);
        assert_eq!(class_switches(b"a-1"), 1.0);
        assert_eq!(class_switches(b"a"), 0.0);
        assert_eq!(vowel_share(b"1234"), 1.0);
        assert_eq!(vowel_share(b"abcd"), 0.25);
    }
}
