//! Choosing a [`Locale`] from an `Accept-Language` header.
//!
//! Written here rather than taken from a crate: `fluent-langneg` maps `zh-TW`
//! to Simplified Chinese unless every supported locale carries its script,
//! and brings ICU's locale crates into every user's build; `accept-language`
//! matches exact tags only (`en-GB` does not reach `en-US`). The rule needed
//! is small, and `tests/locale.rs` pins it as a table.

use super::Locale;

/// The most language ranges read from one header: a bound on the work a
/// peer can ask for.
const MAX_RANGES: usize = 32;

/// The locale of `available` (the fallback first) to answer a request
/// whose `Accept-Language` is `header` (RFC 9110 §12.5.4): its language
/// ranges in order of preference (`q` values, ties in header order, `q=0`
/// excluded), each matched by
///
/// 1. the same tag (`zh-HK`);
/// 2. for Chinese, the same script, which the region implies when the
///    tag has none: `zh-TW`, `zh-MO`, `zh-Hant`, `zh-Hant-TW` → `zh-HK`;
///    `zh`, `zh-SG`, `zh-Hans`, `zh-Hans-CN` → `zh-CN`;
/// 3. the same language (`en-GB` → `en-US`);
/// 4. `*`: the fallback.
///
/// No match, an empty or malformed header: the fallback. Never an error.
/// `Catalog::negotiate` answers from a catalog's locales.
pub(crate) fn negotiate(header: &str, available: &[Locale]) -> Locale {
    let Some(&fallback) = available.first() else {
        return Locale::EN_US;
    };
    let mut ranges: Vec<(u16, &str)> = header
        .split(',')
        .take(MAX_RANGES)
        .filter_map(parse_range)
        .filter(|&(q, _)| q > 0)
        .collect();
    // Stable: equal weights keep the header's order.
    ranges.sort_by_key(|&(q, _)| std::cmp::Reverse(q));
    ranges
        .iter()
        .find_map(|&(_, range)| best_match(range, available))
        .unwrap_or(fallback)
}

/// One `range;q=value` element: the weight in thousandths and the range.
/// `None` for a malformed element, which is skipped.
fn parse_range(element: &str) -> Option<(u16, &str)> {
    let mut parts = element.split(';');
    let range = parts.next()?.trim();
    let mut weight = 1000;
    for parameter in parts {
        let (name, value) = parameter.split_once('=')?;
        if name.trim().eq_ignore_ascii_case("q") {
            weight = parse_weight(value.trim())?;
        }
    }
    let well_formed = range == "*"
        || range.split('-').enumerate().all(|(i, subtag)| {
            (1..=8).contains(&subtag.len())
                && if i == 0 {
                    subtag.bytes().all(|b| b.is_ascii_alphabetic())
                } else {
                    subtag.bytes().all(|b| b.is_ascii_alphanumeric())
                }
        });
    well_formed.then_some((weight, range))
}

/// A `qvalue` (`0`, `0.5`, `1.000`) in thousandths.
fn parse_weight(value: &str) -> Option<u16> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let fraction: u16 = format!("{fraction:0<3}").parse().ok()?;
    match whole {
        "0" => Some(fraction),
        "1" if fraction == 0 => Some(1000),
        _ => None,
    }
}

/// The subtags of a tag that matter here.
struct Tag<'a> {
    language: &'a str,
    script: Option<&'a str>,
    region: Option<&'a str>,
}

impl<'a> Tag<'a> {
    fn parse(tag: &'a str) -> Tag<'a> {
        let mut subtags = tag.split('-');
        let language = subtags.next().unwrap_or_default();
        let (mut script, mut region) = (None, None);
        for subtag in subtags {
            match subtag.len() {
                4 if script.is_none() && region.is_none() => script = Some(subtag),
                2 | 3 if region.is_none() => region = Some(subtag),
                _ => {}
            }
        }
        Tag {
            language,
            script,
            region,
        }
    }

    /// The script of a Chinese tag: its own, else the one its region
    /// writes (Taiwan, Hong Kong and Macao write Traditional), else
    /// Simplified.
    fn chinese_script(&self) -> &'static str {
        if let Some(script) = self.script {
            if script.eq_ignore_ascii_case("hant") {
                return "hant";
            }
            return "hans";
        }
        match self.region {
            Some(region)
                if ["tw", "hk", "mo"]
                    .iter()
                    .any(|r| region.eq_ignore_ascii_case(r)) =>
            {
                "hant"
            }
            _ => "hans",
        }
    }
}

/// The locale of `available` that best serves one language range, if any.
fn best_match(range: &str, available: &[Locale]) -> Option<Locale> {
    if range == "*" {
        return available.first().copied();
    }
    if let Some(&locale) = available
        .iter()
        .find(|locale| locale.as_str().eq_ignore_ascii_case(range))
    {
        return Some(locale);
    }
    let wanted = Tag::parse(range);
    let same_language = available.iter().copied().filter(|locale| {
        Tag::parse(locale.as_str())
            .language
            .eq_ignore_ascii_case(wanted.language)
    });
    if wanted.language.eq_ignore_ascii_case("zh") {
        let script = wanted.chinese_script();
        return same_language
            .filter(|locale| Tag::parse(locale.as_str()).chinese_script() == script)
            .min_by_key(|locale| {
                // The same region first, then any with the same script.
                Tag::parse(locale.as_str())
                    .region
                    .zip(wanted.region)
                    .is_none_or(|(have, want)| !have.eq_ignore_ascii_case(want))
            });
    }
    same_language.into_iter().next()
}
