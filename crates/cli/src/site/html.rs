//! Text into HTML, and the frame every page shares.

use std::fmt::Write as _;

/// `text` safe in HTML text and in a quoted attribute value. Written here,
/// not taken from a crate: the five characters that can end text or an
/// attribute (`&`, `<`, `>`, `"`, `'`) are the whole of the rule for
/// UTF-8 pages, and the CLI's dependencies stay those it already had.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One page: where it is, relative to the site root.
pub struct Page<'a> {
    /// The page's `lang`, a BCP 47 tag.
    pub lang: &'a str,
    /// The `<title>`.
    pub title: &'a str,
    /// The relative path from the page's folder to the site root: `""`,
    /// `"../../"`.
    pub to_root: &'a str,
    /// The relative path from the page to its locale's index page.
    pub to_index: &'a str,
    /// The canonical URL, when the site's base URL is known.
    pub canonical: Option<&'a str>,
    /// Links to the same page in the other locales: `(tag, href)`.
    pub languages: &'a [(String, String)],
    /// The search box's placeholder.
    pub search_label: &'a str,
    /// The catalog's name, in the header.
    pub site_name: &'a str,
}

impl Page<'_> {
    /// The whole document around `body` (HTML already escaped).
    pub fn render(&self, body: &str) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<link rel=\"icon\" href=\"data:,\">\n",
            lang = escape(self.lang),
            title = escape(self.title),
        );
        if let Some(canonical) = self.canonical {
            let _ = writeln!(
                out,
                "<link rel=\"canonical\" href=\"{}\">",
                escape(canonical)
            );
        }
        let _ = write!(
            out,
            "<link rel=\"stylesheet\" href=\"{root}assets/style.css\">\n</head>\n<body>\n<header>\n<a class=\"home\" href=\"{index}\">{name}</a>\n<form class=\"search\" action=\"{index}\" method=\"get\" role=\"search\"><input type=\"search\" name=\"q\" id=\"q\" placeholder=\"{label}\" aria-label=\"{label}\" autocomplete=\"off\"></form>\n<nav class=\"languages\">",
            root = escape(self.to_root),
            index = escape(self.to_index),
            name = escape(self.site_name),
            label = escape(self.search_label),
        );
        for (tag, href) in self.languages {
            if tag == self.lang {
                let _ = write!(out, "<strong>{}</strong> ", escape(tag));
            } else {
                let _ = write!(
                    out,
                    "<a hreflang=\"{0}\" lang=\"{0}\" href=\"{1}\">{0}</a> ",
                    escape(tag),
                    escape(href)
                );
            }
        }
        let _ = write!(
            out,
            "</nav>\n</header>\n<main>\n{body}</main>\n<script src=\"{root}assets/search-index.js\"></script>\n<script src=\"{root}assets/search.js\"></script>\n</body>\n</html>\n",
            root = escape(self.to_root),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_leaves_no_character_that_ends_text_or_an_attribute() {
        assert_eq!(
            escape(r#"<a href="x" title='y'>&amp;</a>"#),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;"
        );
        assert_eq!(escape("儲存庫 {repo}"), "儲存庫 {repo}");
    }
}
