//! `errorx site`: the catalog as a static reference site, one page per
//! code at the path its problem `type` URI names.
//!
//! The layout, from the output directory, which is the site's root (the
//! base URL's path):
//!
//! - `index.html`: every module and code, and the search, in the
//!   catalog's first locale; `modules/<PREFIX>/index.html`: one module;
//!   `errors/<CODE>/index.html`: one code. `https://csghub.opencsg.com/errors/GIT-ERR-8`,
//!   a problem `type`, is `errors/GIT-ERR-8/`, which a static host serves
//!   as its `index.html`; from `file://`, open the `index.html` in it.
//! - `<tag>/...`: the same pages in each other locale (`zh-CN/errors/GIT-ERR-8/index.html`).
//! - `assets/`: the style sheet, the search script and its index
//!   (`search-index.js`, and the same as `search-index.json`).
//!
//! Every link is relative and names its `index.html`, and nothing is
//! fetched: the site works from any static host and from `file://`.

mod html;
mod labels;
mod search_index;
mod wire;

use std::fmt::Write as _;
use std::path::Path;

use csghub_errorx::{grpc_code, Catalog, ErrorCode, Locale, Module};
use html::{escape, Page};
use labels::{labels, Labels};

const SEARCH_JS: &str = include_str!("assets/search.js");
const STYLE_CSS: &str = include_str!("assets/style.css");

/// Writes the site of `catalog` into `out`; `base_url` is where it will be
/// served (`https://csghub.opencsg.com`), which sets the problem `type`
/// URIs shown and the pages' canonical links. Returns a summary line.
pub fn build(
    catalog: &'static Catalog,
    out: &Path,
    base_url: Option<&str>,
) -> Result<String, String> {
    let base_url = base_url.map(|b| b.trim_end_matches('/'));
    let site = Site {
        catalog,
        out,
        base_url,
    };
    let index = search_index::index(catalog);
    site.write("assets/search-index.js", &search_index::script(&index))?;
    site.write(
        "assets/search-index.json",
        &(serde_json::to_string_pretty(&index).map_err(|e| e.to_string())? + "\n"),
    )?;
    site.write("assets/search.js", SEARCH_JS)?;
    site.write("assets/style.css", STYLE_CSS)?;
    let mut pages = 0;
    for &locale in catalog.locales() {
        site.write(&site.path(locale, "index.html"), &site.index_page(locale)?)?;
        pages += 1;
        for &module in catalog.modules() {
            let path = site.path(locale, &format!("modules/{}/index.html", module.prefix()));
            site.write(&path, &site.module_page(locale, module)?)?;
            pages += 1;
        }
        for code in catalog.codes() {
            let path = site.path(locale, &code_path(code));
            site.write(&path, &site.code_page(locale, code)?)?;
            pages += 1;
        }
    }
    Ok(format!(
        "{pages} pages of {} codes in {} locales written to {}\n",
        catalog.codes().count(),
        catalog.locales().len(),
        out.display()
    ))
}

/// A code's page from its locale's root: where its problem `type` points.
fn code_path(code: ErrorCode) -> String {
    format!("errors/{}/index.html", code.as_str())
}

struct Site<'a> {
    catalog: &'static Catalog,
    out: &'a Path,
    base_url: Option<&'a str>,
}

impl Site<'_> {
    /// The catalog's first locale is at the root; the others in a folder
    /// named by their tag.
    fn locale_root(&self, locale: Locale) -> String {
        if Some(&locale) == self.catalog.locales().first() {
            String::new()
        } else {
            format!("{}/", locale.as_str())
        }
    }

    /// `page` (a path from a locale's root) of `locale`, from the site root.
    fn path(&self, locale: Locale, page: &str) -> String {
        format!("{}{page}", self.locale_root(locale))
    }

    fn write(&self, path: &str, text: &str) -> Result<(), String> {
        let path = self.out.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The whole page `page` (a path from its locale's root) of `locale`
    /// around `body`.
    fn render(&self, locale: Locale, page: &str, title: &str, body: &str) -> String {
        let full = self.path(locale, page);
        let to_root = "../".repeat(full.matches('/').count());
        let to_index = format!("{}index.html", "../".repeat(page.matches('/').count()));
        let languages: Vec<(String, String)> = self
            .catalog
            .locales()
            .iter()
            .map(|&other| {
                (
                    other.as_str().to_string(),
                    format!("{to_root}{}", self.path(other, page)),
                )
            })
            .collect();
        let canonical = self.base_url.map(|base| {
            let url = format!("{base}/{full}");
            url.strip_suffix("index.html")
                .map_or(url.clone(), str::to_string)
        });
        let labels = labels(locale.as_str());
        let site_name = format!("{} · {}", self.catalog.package(), labels.errors);
        let html = Page {
            lang: locale.as_str(),
            title,
            to_root: &to_root,
            to_index: &to_index,
            canonical: canonical.as_deref(),
            languages: &languages,
            search_label: labels.search,
            site_name: &site_name,
        }
        .render(body);
        html.replacen(
            "<body>",
            &format!("<body {}>", self.body_attributes(locale, page)),
            1,
        )
    }

    /// The words the search script shows, and the locale root it links
    /// from, on the `<body>`.
    fn body_attributes(&self, locale: Locale, page: &str) -> String {
        let labels = labels(locale.as_str());
        let words: serde_json::Map<_, _> = labels
            .script
            .iter()
            .map(|&(key, text)| (key.to_string(), text.into()))
            .collect();
        format!(
            "data-locale-root=\"{}\" data-words=\"{}\"",
            escape(&"../".repeat(page.matches('/').count())),
            escape(&serde_json::Value::Object(words).to_string())
        )
    }

    fn index_page(&self, locale: Locale) -> Result<String, String> {
        let l = labels(locale.as_str());
        let mut body = format!(
            "<h1>{} {}</h1>\n<div id=\"results\" aria-live=\"polite\"></div>\n<h2>{}</h2>\n<ul class=\"modules\">\n",
            escape(self.catalog.package()),
            escape(l.errors),
            escape(l.all_modules)
        );
        for &module in self.catalog.modules() {
            let _ = writeln!(
                body,
                "<li><a href=\"modules/{0}/index.html\">{1}</a> <code>{0}-ERR-N</code></li>",
                escape(module.prefix()),
                escape(module.title())
            );
        }
        body.push_str("</ul>\n");
        for &module in self.catalog.modules() {
            let _ = writeln!(
                body,
                "<h2 id=\"{}\">{}</h2>",
                escape(module.prefix()),
                escape(module.title())
            );
            body.push_str(&self.code_table(locale, module, ""));
        }
        Ok(self.render(
            locale,
            "index.html",
            &format!("{} {}", self.catalog.package(), l.errors),
            &body,
        ))
    }

    fn module_page(&self, locale: Locale, module: Module) -> Result<String, String> {
        let page = format!("modules/{}/index.html", module.prefix());
        let body = format!(
            "<h1>{} <code>{}-ERR-N</code></h1>\n{}",
            escape(module.title()),
            escape(module.prefix()),
            self.code_table(locale, module, "../../")
        );
        let title = format!("{} · {}", module.title(), self.catalog.package());
        Ok(self.render(locale, &page, &title, &body))
    }

    /// A table of `module`'s codes, linked from a page `to_locale_root`
    /// below its locale's root.
    fn code_table(&self, locale: Locale, module: Module, to_locale_root: &str) -> String {
        let l = labels(locale.as_str());
        let mut table = format!(
            "<table>\n<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
            escape(l.code),
            escape(l.name),
            escape(l.grpc_code),
            escape(l.http_status),
            escape(l.message)
        );
        for code in self.catalog.module_codes(module) {
            let _ = writeln!(
                table,
                "<tr><td><a class=\"code\" href=\"{}{}\">{}</a></td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(to_locale_root),
                escape(&code_path(code)),
                escape(code.as_str()),
                escape(code.name()),
                escape(grpc_code::name(code.grpc_code())),
                code.http_status().as_u16(),
                escape(code.user_message(locale))
            );
        }
        table.push_str("</table>\n");
        table
    }

    fn code_page(&self, locale: Locale, code: ErrorCode) -> Result<String, String> {
        let l: &Labels = labels(locale.as_str());
        let page = code_path(code);
        let wire = wire::examples(self.catalog, code, locale, self.base_url)?;
        let mut body = format!(
            "<h1><code>{}</code> {}</h1>\n<p class=\"description\">{}</p>\n<dl>\n",
            escape(code.as_str()),
            escape(code.name()),
            escape(code.description())
        );
        let module = code.module();
        let keys = if code.context_keys().is_empty() {
            escape(l.none)
        } else {
            code.context_keys()
                .iter()
                .map(|k| format!("<code>{}</code>", escape(k)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut retry = escape(match code.retry_class() {
            csghub_errorx::RetryClass::Backoff => l.retry_backoff,
            csghub_errorx::RetryClass::AfterServerDelay => l.retry_after_delay,
            _ => l.retry_never,
        });
        if let Some(delay) = code.retry_delay() {
            let _ = write!(retry, " ({} ms)", delay.as_millis());
        }
        let rows: [(&str, String); 11] = [
            (l.code, format!("<code>{}</code>", escape(code.as_str()))),
            (l.name, format!("<code>{}</code>", escape(code.name()))),
            (l.reason, format!("<code>{}</code>", escape(code.reason()))),
            (
                l.module,
                format!(
                    "<a href=\"../../modules/{0}/index.html\">{1}</a> (<code>{0}</code>)",
                    escape(module.prefix()),
                    escape(module.title())
                ),
            ),
            (
                l.grpc_code,
                format!(
                    "<code>{}</code> ({})",
                    escape(grpc_code::name(code.grpc_code())),
                    code.grpc_code() as i32
                ),
            ),
            (l.http_status, escape(&code.http_status().to_string())),
            (l.description, escape(code.description())),
            (
                &format!("{} ({})", l.message, locale),
                format!(
                    "<span class=\"message\">{}</span>",
                    escape(code.user_message(locale))
                ),
            ),
            (
                &format!("{} ({})", l.detailed, locale),
                code.user_message_template(locale).map_or_else(
                    || escape(l.none),
                    |t| format!("<span class=\"detailed\">{}</span>", escape(t)),
                ),
            ),
            (l.context_keys, keys),
            (l.retry, retry),
        ];
        for (label, value) in rows {
            let _ = writeln!(body, "<dt>{}</dt><dd>{value}</dd>", escape(label));
        }
        let _ = writeln!(
            body,
            "<dt>{}</dt><dd><code class=\"type\">{}</code></dd>\n</dl>",
            escape(l.type_uri),
            escape(&wire.problem_type)
        );
        let _ = writeln!(
            body,
            "<h2>{}</h2>\n<p class=\"note\">{}</p>",
            escape(l.wire),
            escape(l.example_note)
        );
        for (id, title, text) in [
            ("grpc", l.grpc_details, &wire.grpc),
            ("google", l.google_json, &wire.google),
            ("csghub", l.csghub_json, &wire.csghub),
            ("problem", l.problem_json, &wire.problem),
        ] {
            let _ = writeln!(
                body,
                "<h3>{}</h3>\n<pre id=\"wire-{id}\">{}</pre>",
                escape(title),
                escape(text.trim_end())
            );
        }
        let title = format!(
            "{} {} · {}",
            code.as_str(),
            code.name(),
            self.catalog.package()
        );
        Ok(self.render(locale, &page, &title, &body))
    }
}
