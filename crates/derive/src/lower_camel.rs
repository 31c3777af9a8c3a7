//! [`lower_camel`]: the context key a named field gets by default.

/// `repo_path` → `repoPath`: the field's snake_case name in the lowerCamel
/// form AIP-193 recommends for metadata keys. Underscores go and the letter
/// after each is raised; leading, trailing and doubled underscores leave no
/// trace, and every other character stays as written.
pub(crate) fn lower_camel(snake_case: &str) -> String {
    let mut key = String::with_capacity(snake_case.len());
    for word in snake_case.split('_').filter(|word| !word.is_empty()) {
        let mut chars = word.chars();
        if let (false, Some(first)) = (key.is_empty(), chars.next()) {
            key.extend(first.to_uppercase());
            key.push_str(chars.as_str());
        } else {
            key.push_str(word);
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::lower_camel;

    #[test]
    fn one_word_stays_as_it_is() {
        assert_eq!(lower_camel("repo"), "repo");
    }

    #[test]
    fn each_later_word_starts_upper_case() {
        assert_eq!(lower_camel("repo_path"), "repoPath");
        assert_eq!(lower_camel("max_retry_count"), "maxRetryCount");
    }

    #[test]
    fn digits_stay_in_their_word() {
        assert_eq!(lower_camel("ipv4_addr"), "ipv4Addr");
        assert_eq!(lower_camel("attempt_2"), "attempt2");
    }

    #[test]
    fn stray_underscores_leave_no_trace() {
        assert_eq!(lower_camel("_private"), "private");
        assert_eq!(lower_camel("repo__path_"), "repoPath");
    }

    #[test]
    fn non_ascii_words_are_raised_too() {
        assert_eq!(lower_camel("nom_élément"), "nomÉlément");
    }
}
