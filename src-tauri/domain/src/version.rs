//! Version strings and the key that sorts them. Versions are semantic versions ("2.1.0", "3.0.0-rc.1");
//! text order would put "10.0.0" before "9.0.0", so every version also stores a key whose byte order is
//! semver order.

/// A key whose byte order is semantic-version order: each of major, minor and patch zero-padded to 20
/// digits (any u64), then `~` for a release or `-` and the pre-release for a pre-release (`-` sorts before
/// `~`, so 1.0.0-rc.1 < 1.0.0). Pre-releases compare by their text, which is close to but not exactly
/// semver's identifier rules (rc.10 sorts before rc.2). A string that is not semver sorts after all of them,
/// by its text.
pub fn sort_key(version: &str) -> String {
    match semver::Version::parse(version) {
        Ok(v) => {
            let tail = if v.pre.is_empty() {
                "~".to_owned()
            } else {
                format!("-{}", v.pre)
            };
            format!("{:020}.{:020}.{:020}{tail}", v.major, v.minor, v.patch)
        }
        Err(_) => format!("~{version}"),
    }
}

#[cfg(test)]
mod tests {
    use super::sort_key;

    #[test]
    fn keys_sort_like_semver() {
        let ordered = [
            "0.9.0",
            "1.0.0-alpha",
            "1.0.0-rc.1",
            "1.0.0",
            "1.2.0",
            "2.0.0",
            "9.10.1",
            "10.0.0",
        ];
        for w in ordered.windows(2) {
            assert!(
                sort_key(w[0]) < sort_key(w[1]),
                "{} should sort before {}",
                w[0],
                w[1]
            );
        }
        assert!(sort_key("10.0.0") < sort_key("not-a-version"));
    }
}
