//! Whether a request's `Accept` prefers `application/problem+json`, and
//! whether it is a Connect client's.
//!
//! Written here rather than taken from a crate: the `mime` crate parses one
//! media type but not a weighted list, and `headers` 0.4 dropped `Accept`;
//! the question asked is one comparison of two weights.

use http::header::{HeaderMap, ACCEPT};

/// The most media ranges of one request read; the rest are ignored.
const MAX_RANGES: usize = 64;

/// Whether `headers` ask for problem details: `application/problem+json`
/// is named explicitly with a weight above 0, and weighs at least as much
/// as `application/json` does (through `application/json`,
/// `application/*` or `*/*`, the most specific range that matches). A
/// client that only sends `*/*` or `application/json` gets the server's
/// shape.
pub(crate) fn prefers_problem_json(headers: &HeaderMap) -> bool {
    let mut problem: Option<f32> = None;
    // The weight of application/json, with the specificity of the range
    // that gave it: 3 exact, 2 `application/*`, 1 `*/*`.
    let mut json: (u8, f32) = (0, 0.0);
    let ranges = headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .take(MAX_RANGES);
    for range in ranges {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim();
        let weight = weight(parts);
        if media.eq_ignore_ascii_case(super::PROBLEM_JSON) {
            problem = Some(problem.map_or(weight, |w| w.max(weight)));
            continue;
        }
        let specificity = if media.eq_ignore_ascii_case("application/json") {
            3
        } else if media.eq_ignore_ascii_case("application/*") {
            2
        } else if media == "*/*" {
            1
        } else {
            continue;
        };
        if specificity > json.0 {
            json = (specificity, weight);
        } else if specificity == json.0 {
            json.1 = json.1.max(weight);
        }
    }
    problem.is_some_and(|problem| problem > 0.0 && problem >= json.1)
}

/// Whether `headers` are a Connect client's: `Connect-Protocol-Version`,
/// which the Connect protocol requires of unary requests.
pub(crate) fn speaks_connect(headers: &HeaderMap) -> bool {
    headers.contains_key("connect-protocol-version")
}

/// The `q` parameter of a media range: 1 when absent, 0 when malformed.
fn weight<'a>(parameters: impl Iterator<Item = &'a str>) -> f32 {
    for parameter in parameters {
        if let Some((name, value)) = parameter.split_once('=') {
            if name.trim().eq_ignore_ascii_case("q") {
                return match value.trim().parse::<f32>() {
                    Ok(q) if (0.0..=1.0).contains(&q) => q,
                    _ => 0.0,
                };
            }
        }
    }
    1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefers(accept: &[&str]) -> bool {
        let mut headers = HeaderMap::new();
        for value in accept {
            headers.append(ACCEPT, value.parse().unwrap());
        }
        prefers_problem_json(&headers)
    }

    #[test]
    fn problem_json_named_first_or_alone_is_preferred() {
        assert!(prefers(&["application/problem+json"]));
        assert!(prefers(&["application/problem+json, application/json"]));
        assert!(prefers(&["Application/Problem+JSON"]));
        assert!(prefers(&["text/html", "application/problem+json"]));
        assert!(prefers(&[
            "application/json;q=0.5, application/problem+json"
        ]));
    }

    #[test]
    fn wildcards_json_and_lower_weights_keep_the_server_shape() {
        assert!(!prefers(&[]));
        assert!(!prefers(&["*/*"]));
        assert!(!prefers(&["application/json"]));
        assert!(!prefers(&["application/*"]));
        assert!(!prefers(&["application/problem+json;q=0"]));
        assert!(!prefers(&[
            "application/problem+json;q=0.5, application/json"
        ]));
        assert!(!prefers(&["application/problem+json;q=0.5, */*"]));
        assert!(!prefers(&["application/problem+json;q=nope"]));
    }
}
