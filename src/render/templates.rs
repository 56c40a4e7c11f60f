//! The theme's templates, compiled once per build with the site's overrides
//! on top, and template errors located in the file that holds them.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use std::sync::{Arc, Mutex};

use tera::{Tera, Value};

use crate::diagnostic::{Diagnostic, Position};
use crate::fingerprint;
use crate::i18n::Language;
use crate::load::SourceFile;
use crate::theme;

use super::{fold, inline, reads::Reads};

/// The compiled templates, and where each one's text came from so a render
/// error can point into the right file.
pub struct Templates {
    pub(super) tera: Tera,
    files: HashMap<String, (PathBuf, String)>,
    /// Each template's fingerprint with those it uses, computed once.
    fingerprints: rustc_hash::FxHashMap<String, u64>,
    /// What every string `t()` prints depends on.
    language_fingerprint: u64,
    /// `tera` with the last site's settings written in (see
    /// [`fold::fold_site`]), and the fingerprint of what they were made
    /// from: kept while a save leaves them alone.
    for_site: Mutex<Option<(u64, Arc<Tera>)>>,
    /// The names the templates read, before the site's settings are
    /// written in (which only takes names out).
    pub(super) reads: Arc<Reads>,
}

impl Templates {
    /// A fingerprint of a template and of every template it extends,
    /// imports or includes: what a page made with it depends on.
    pub fn fingerprint(&self, name: &str) -> u64 {
        self.fingerprints.get(name).copied().unwrap_or_default()
    }

    /// The templates with the settings of a site written in: what its
    /// pages are rendered with. `key` is a fingerprint of the site's view,
    /// made by `site` when it differs from the last one asked for.
    pub(super) fn for_site(&self, key: u64, site: impl FnOnce() -> Value) -> Arc<Tera> {
        let mut held = self.for_site.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((made_for, tera)) = held.as_ref() {
            if *made_for == key {
                return tera.clone();
            }
        }
        let mut tera = self.tera.clone();
        let tera = match fold::fold_site(&mut tera, &site(), &escape_html) {
            Ok(()) => Arc::new(tera),
            // The chains were built from the same templates once already.
            Err(_) => Arc::new(self.tera.clone()),
        };
        *held = Some((key, tera.clone()));
        tera
    }

    fn compute_fingerprint(&self, name: &str) -> u64 {
        let mut seen = HashSet::new();
        let mut stack = vec![name.to_owned()];
        let mut parts = Vec::new();
        while let Some(name) = stack.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            if let Some((_, text)) = self.files.get(&name) {
                parts.push((name.clone(), fingerprint::of(text)));
                stack.extend(referenced_templates(text));
            }
        }
        parts.sort();
        fingerprint::of(&(parts, self.language_fingerprint))
    }

    /// The file a template's text came from, for a problem found in what
    /// it made.
    pub(super) fn path(&self, name: &str) -> &Path {
        self.files
            .get(name)
            .map_or(Path::new("templates"), |(path, _)| path.as_path())
    }

    pub(super) fn error(&self, err: &tera::Error, page_template: &str) -> Diagnostic {
        let message = error_chain(err);
        // The innermost template named in the chain is where it went wrong.
        let name = message
            .split('\'')
            .rfind(|part| self.files.contains_key(*part))
            .unwrap_or(page_template);
        let (path, text) = &self.files[name];
        template_error(err, path, text)
    }
}

/// Compiles the built-in templates with the site's overrides on top.
pub fn templates(
    overrides: &[(String, SourceFile)],
    language: Arc<Language>,
) -> Result<Templates, Vec<Diagnostic>> {
    let mut sources: Vec<(String, String, PathBuf)> = theme::TEMPLATES
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string(), builtin_path(name)))
        .collect();
    for (name, file) in overrides {
        match sources.iter_mut().find(|(n, ..)| n == name) {
            Some(entry) => *entry = (name.clone(), file.text.to_string(), file.path.clone()),
            None => sources.push((name.clone(), file.text.to_string(), file.path.clone())),
        }
    }
    // Parse each template once, alone, so every broken one is reported
    // with its own file; `add_raw_templates` would parse them all again and
    // stop at the first broken one.
    let mut parsed = HashMap::with_capacity(sources.len());
    let mut diagnostics = Vec::new();
    for (name, text, path) in &sources {
        match tera::Template::new(name, None, text) {
            Ok(mut template) => {
                fold::fold_translations(&mut template, &|args| translate(&language, args));
                parsed.insert(name.clone(), template);
            }
            Err(err) => diagnostics.push(template_error(&err, path, text)),
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    inline::inline_macros(&mut parsed);
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml", ".svg"]);
    tera.set_escape_fns(escape_html, escape_html_into);
    register_language(&mut tera, language.clone());
    // What `add_raw_templates` does after parsing: link each template to
    // those it extends and check that the macro files it imports exist.
    tera.templates.extend(parsed);
    let result = tera
        .build_inheritance_chains()
        .and_then(|()| tera.check_macro_files());
    let files: HashMap<String, (PathBuf, String)> = sources
        .into_iter()
        .map(|(name, text, path)| (name, (path, text)))
        .collect();
    if let Err(err) = result {
        // "Template 'a.html' is inheriting from 'b.html', which doesn't
        // exist": the first name quoted is where the reference is written.
        let message = error_chain(&err);
        let circle = message.contains("in a circle");
        let diagnostic = match message
            .split('\'')
            .skip(1)
            .step_by(2)
            .find_map(|name| files.get(name))
        {
            Some((path, text)) => template_error(&err, path, text),
            None => Diagnostic::error("templates", Position::start(), message),
        };
        let hint = if circle {
            "move the macros both need into a template of their own that imports neither"
        } else {
            "a template extends, includes or imports a template that does not exist: check the name"
        };
        return Err(vec![diagnostic.with_hint(hint)]);
    }
    let mut templates = Templates {
        reads: Arc::new(Reads::of(&tera)),
        tera,
        files,
        fingerprints: Default::default(),
        language_fingerprint: language.fingerprint,
        for_site: Mutex::default(),
    };
    templates.fingerprints = templates
        .files
        .keys()
        .map(|name| (name.clone(), templates.compute_fingerprint(name)))
        .collect();
    Ok(templates)
}

/// Gives templates the site's language: `t(key=…)` for an interface
/// string (other named arguments fill its placeholders, `count` picks the
/// plural form), `t_forms(key=…)` for all its plural forms (for scripts),
/// `date_long` for a date written out (`2026-11-21` in,
/// "21 November 2026" out) and `fmt_percent` for a share (42.5 in, "43%"
/// out).
fn register_language(tera: &mut Tera, language: Arc<Language>) {
    let for_t = language.clone();
    tera.register_function(
        "t",
        move |args: &std::collections::HashMap<String, Value>| translate(&for_t, args),
    );
    let for_forms = language.clone();
    tera.register_function(
        "t_forms",
        move |args: &std::collections::HashMap<String, Value>| {
            let key = args.get("key").and_then(Value::as_str).ok_or_else(|| {
                tera::Error::msg("t_forms() needs a `key`, e.g. t_forms(key=\"search_results\")")
            })?;
            let forms = for_forms.forms(key).ok_or_else(|| {
                tera::Error::msg(format!(
                    "t_forms(): no interface string `{key}` (docs/guide/languages.md lists them)"
                ))
            })?;
            Ok(tera::to_value(forms)?)
        },
    );
    let for_dates = language.clone();
    tera.register_filter(
        "date_long",
        move |value: &Value, _: &std::collections::HashMap<String, Value>| {
            let text = value.as_str().unwrap_or_default();
            let date =
                chrono::NaiveDate::parse_from_str(text.get(..10).unwrap_or(text), "%Y-%m-%d")
                    .map_err(|_| {
                        tera::Error::msg(format!("date_long: `{text}` is not a date (YYYY-MM-DD)"))
                    })?;
            Ok(Value::String(for_dates.date_long(date)))
        },
    );
    tera.register_filter(
        "fmt_percent",
        move |value: &Value, _: &std::collections::HashMap<String, Value>| {
            let number = value
                .as_f64()
                .ok_or_else(|| tera::Error::msg("fmt_percent: needs a number, e.g. 42.5"))?;
            Ok(Value::String(language.percent(number)))
        },
    );
}

/// What `t(…)` gives for these arguments in `language`: the string for
/// `key`, its placeholders filled from the other arguments.
fn translate(
    language: &Language,
    args: &std::collections::HashMap<String, Value>,
) -> tera::Result<Value> {
    let key = args
        .get("key")
        .and_then(Value::as_str)
        .ok_or_else(|| tera::Error::msg("t() needs a `key`, e.g. t(key=\"published\")"))?;
    let unknown = || {
        tera::Error::msg(format!(
            "t(): no interface string `{key}` (docs/guide/languages.md lists them)"
        ))
    };
    // Most calls name only the key: the string as written, with no
    // placeholders to fill.
    if args.len() == 1 {
        let text = language.template(key, || 0).ok_or_else(unknown)?;
        return Ok(Value::String(text.to_owned()));
    }
    if !language.has(key) {
        return Err(unknown());
    }
    let values: Vec<(&str, String)> = args
        .iter()
        .filter(|(name, _)| name.as_str() != "key")
        .map(|(name, value)| {
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (name.as_str(), text)
        })
        .collect();
    Ok(Value::String(language.text(key, &values)))
}

/// Escapes what HTML needs escaped. Tera's own escaper also turns every `/`
/// into `&#x2F;`, which is safe but makes every URL in the source unreadable.
/// Tera calls it where a template's value is not printed straight into the
/// page (a comparison, a `~` join); what is printed goes through
/// [`escape_html_into`], which writes the same bytes without the copy.
fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let _ = escape_into(input, |piece| {
        out.push_str(piece);
        Ok(())
    });
    out
}

/// [`escape_html`], written into `out` rather than returned.
fn escape_html_into(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    escape_into(input, |piece| out.write_all(piece.as_bytes()))
}

/// Hands `input` to `write` as it reads escaped, in as few pieces as it
/// can: nearly every string a page prints has nothing to escape and goes
/// whole; otherwise the runs between special characters go whole, each
/// special character as its entity.
fn escape_into(
    input: &str,
    mut write: impl FnMut(&str) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    // Most of what a page prints is short (an id, a name, an address),
    // and a table lookup a byte finds the first special character in fewer
    // steps than setting up a vectorised scan; longer text is scanned for
    // the markup characters, then for the quotes before the first of them.
    let first = if bytes.len() < SHORT {
        bytes.iter().position(|&b| SPECIAL[usize::from(b)])
    } else {
        let markup = memchr::memchr3(b'&', b'<', b'>', bytes);
        memchr::memchr2(b'"', b'\'', &bytes[..markup.unwrap_or(bytes.len())]).or(markup)
    };
    let Some(first) = first else {
        return if bytes.is_empty() {
            Ok(())
        } else {
            write(input)
        };
    };
    let mut start = 0;
    for (at, &byte) in bytes.iter().enumerate().skip(first) {
        if !SPECIAL[usize::from(byte)] {
            continue;
        }
        let Some(entity) = entity(byte) else {
            continue;
        };
        if start < at {
            write(&input[start..at])?;
        }
        write(entity)?;
        start = at + 1;
    }
    if start < bytes.len() {
        write(&input[start..])?;
    }
    Ok(())
}

/// Below this many bytes, [`escape_into`] looks byte by byte.
const SHORT: usize = 64;

/// Whether each byte has an entity: one table lookup a byte in the scan,
/// made from [`entity`] itself so the two cannot disagree.
static SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = entity(byte as u8).is_some();
        byte += 1;
    }
    table
};

/// What `byte` is written as in HTML, if it must be escaped.
const fn entity(byte: u8) -> Option<&'static str> {
    match byte {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#x27;"),
        _ => None,
    }
}

fn builtin_path(name: &str) -> PathBuf {
    PathBuf::from(format!("templates/{name} (built-in)"))
}

/// Tera reports parse errors as ` --> line:column` in its message; a render
/// error names a variable, which we look for in the template's text.
fn template_error(err: &tera::Error, path: &Path, text: &str) -> Diagnostic {
    let message = error_chain(err);
    let position = message
        .split_once("--> ")
        .and_then(|(_, rest)| {
            let end = rest
                .find(|c: char| !c.is_ascii_digit() && c != ':')
                .unwrap_or(rest.len());
            let (line, column) = rest[..end].split_once(':')?;
            Some(Position::new(line.parse().ok()?, column.parse().ok()?))
        })
        .or_else(|| {
            // A variable in backquotes, or a template name in quotes (other
            // than this template's own): find where the text mentions it.
            let own = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let backquoted = message.split('`').skip(1).step_by(2);
            let quoted = message.split('\'').skip(1).step_by(2);
            backquoted
                .chain(quoted)
                .map(|name| name.trim_matches(|c| c == '[' || c == ']'))
                .filter(|name| !name.is_empty() && !own.starts_with(*name))
                .find_map(|name| {
                    text.lines().enumerate().find_map(|(i, line)| {
                        line.find(name)
                            .map(|col| Position::new(i + 1, line[..col].chars().count() + 1))
                    })
                })
        })
        .unwrap_or_default();
    let position = if position.line == 0 {
        Position::start()
    } else {
        position
    };
    // A parse error carries Tera's own drawing of the line; we draw our own,
    // so keep only its explanation (the `= expected ...` line).
    let explanation: Vec<&str> = message
        .lines()
        .filter_map(|l| l.trim().strip_prefix("= "))
        .collect();
    let summary = if explanation.is_empty() {
        message
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        format!("cannot parse the template: {}", explanation.join("; "))
    };
    Diagnostic::error(path, position, format!("template error: {summary}"))
        .with_hint("check the template against docs/reference/templates.md (the variables each template receives) and docs/guide/theming.md (Tera notes)")
}

fn error_chain(err: &tera::Error) -> String {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// Names of templates that `{% extends %}`, `{% import %}` or
/// `{% include %}` tags in `text` refer to.
fn referenced_templates(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for tag in text.split("{%").skip(1) {
        let tag = tag.split("%}").next().unwrap_or("");
        let words = tag.trim_start_matches('-').trim_start();
        if words.starts_with("extends")
            || words.starts_with("import")
            || words.starts_with("include")
        {
            names.extend(tag.split(['"', '\'']).skip(1).step_by(2).map(str::to_owned));
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_templates_a_template_uses() {
        let text = "{% extends \"base.html\" %}{%- import 'macros.html' as m -%}{{ x }}";
        assert_eq!(referenced_templates(text), ["base.html", "macros.html"]);
    }

    #[test]
    fn a_changed_base_changes_every_page_template() {
        let a = templates(&[], Default::default()).unwrap();
        let base = SourceFile::new(
            "templates/base.html",
            "<!doctype html>{% block content %}{% endblock content %}",
        );
        let b = templates(&[("base.html".into(), base)], Default::default()).unwrap();
        assert_ne!(
            a.fingerprint("briefing.html"),
            b.fingerprint("briefing.html")
        );
        assert_eq!(a.fingerprint("macros.html"), b.fingerprint("macros.html"));
    }

    #[test]
    fn the_theme_s_interface_strings_are_written_in_when_compiled() {
        let language = Arc::new(Language::default());
        let compiled = templates(&[], language.clone()).unwrap();
        let base = format!("{:?}", compiled.tera.templates["base.html"].ast);
        assert!(!base.contains("FunctionCall { name: \"t\""), "{base}");
        let skip = language.template("skip_to_content", || 0).unwrap();
        assert!(base.contains(&format!("String({skip:?})")), "{base}");
        // A call filled from the page's values is the join of the string's
        // text and those values, with no call left to run.
        let card = format!("{:?}", compiled.tera.templates["claim_card.html"].ast);
        assert!(!card.contains("FunctionCall { name: \"t\""), "{card}");
        let hidden = language.template("permalink_hidden", || 0).unwrap();
        let (before, _) = hidden.split_once("{speaker}").unwrap();
        assert!(
            card.contains(&format!(
                "String({before:?}), Ident(\"claim.speaker.name\")"
            )),
            "{card}"
        );
    }

    /// The patched tera (`vendor/tera/PATCHED.md`) looks a plain dotted
    /// path up by its own loop and every other path as tera did: both
    /// must find what tera always found.
    #[test]
    fn tera_looks_dotted_paths_up_as_before_and_past_wide_characters() {
        let value = serde_json::json!({
            "a": {"b": [10, {"c": "x"}], "ü": 5},
            "a.b": 1,
            "é": {"f": 2},
            "t~1": 3,
            "t/": 4,
        });
        let cases: &[(&str, Option<serde_json::Value>)] = &[
            ("a.b.1.c", Some("x".into())),
            ("a.b.0", Some(10.into())),
            // Empty parts, leading and trailing dots are skipped.
            ("a..b.0", Some(10.into())),
            (".a.b.0", Some(10.into())),
            ("a.b.1.", Some(serde_json::json!({"c": "x"}))),
            ("", Some(value.clone())),
            // An index as serde_json's pointers read one.
            ("a.b.01", None),
            ("a.b.+1", None),
            ("a.b.2", None),
            ("a.x", None),
            ("a.b.0.c", None),
            // Quoted parts, escapes and other characters take tera's path.
            ("\"a.b\"", Some(1.into())),
            ("a.\"b\".0", Some(10.into())),
            // A name past a character of more than one byte (this panicked
            // in tera 1.20.1).
            ("é.f", Some(2.into())),
            ("\"é\".f", Some(2.into())),
            // Plain names before a quoted or wide part, found or not.
            ("a.ü", Some(5.into())),
            ("x.ü", None),
            ("a.x.ü", None),
            ("x.\"b\"", None),
            ("a.b.\"1\".c", Some("x".into())),
            // `~1` is `/` and `~0` is `~`, as in a JSON pointer.
            ("t~01", Some(3.into())),
            ("t~1", Some(4.into())),
        ];
        for (path, expected) in cases {
            assert_eq!(
                tera::dotted_pointer(&value, path),
                expected.as_ref(),
                "{path}"
            );
        }
        // Maps of a few keys (walked) and of many (searched), each key
        // found and none besides, whether or not it shares a prefix or a
        // length with another.
        for size in [1, 2, 15, 16, 17, 40] {
            let map: serde_json::Map<String, serde_json::Value> = (0..size)
                .map(|i| (format!("k{}", "x".repeat(i % 3)) + &i.to_string(), i.into()))
                .collect();
            let value = serde_json::json!({ "m": map });
            for (key, expected) in &map {
                let path = format!("m.{key}");
                assert_eq!(
                    tera::dotted_pointer(&value, &path),
                    Some(expected),
                    "{path}"
                );
            }
            for missing in ["m.k", "m.kx", "m.k0x", "m.K0", "m.k00"] {
                assert_eq!(tera::dotted_pointer(&value, missing), None, "{missing}");
            }
        }
        // As a template writes it.
        let mut tera = Tera::default();
        tera.add_raw_template("t.html", r#"{{ x["é"].f }}"#)
            .unwrap();
        let mut context = tera::Context::new();
        context.insert("x", &value);
        assert_eq!(tera.render("t.html", &context).unwrap(), "2");
    }

    #[test]
    fn tera_contexts_keep_replace_and_let_go_of_variables_as_pages_swap_them() {
        // Each rendering thread keeps one context with `site` in it and
        // swaps each page's variables in (`extend`, `insert`) and out
        // (`remove`); vendored tera keeps them in a hash map rather than a
        // BTreeMap.
        let mut tera = Tera::default();
        tera.add_raw_template(
            "t.html",
            "{{ site }}|{{ title }}|{% if body is defined %}{{ body }}{% else %}-{% endif %}|{{ n }}",
        )
        .unwrap();
        let mut context = tera::Context::new();
        context.insert("site", "S");
        for (title, body, n) in [
            ("one", Some("b1"), 1),
            ("two", None, 2),
            ("é", Some("b3"), 3),
        ] {
            let mut page = serde_json::json!({ "title": title, "n": 0 });
            if let Some(body) = body {
                page["body"] = body.into();
            }
            let keys: Vec<String> = page.as_object().unwrap().keys().cloned().collect();
            context.extend(tera::Context::from_value(page).unwrap());
            // A later insert of a key already there replaces its value.
            context.insert("n", &n);
            let expected = format!("S|{title}|{}|{n}", body.unwrap_or("-"));
            assert_eq!(tera.render("t.html", &context).unwrap(), expected);
            for key in &keys {
                assert!(context.remove(key).is_some(), "{key}");
            }
            assert!(!context.contains_key("title"));
            assert!(context.contains_key("site"));
        }
        // Extending replaces the values of keys both hold and keeps the rest.
        let mut first = tera::Context::new();
        first.insert("a", &1);
        first.insert("b", &2);
        let mut second = tera::Context::new();
        second.insert("b", &3);
        second.insert("c", &4);
        first.extend(second);
        assert_eq!(
            first.into_json(),
            serde_json::json!({ "a": 1, "b": 3, "c": 4 })
        );
        // Many variables, each found under its own name.
        let mut many = tera::Context::new();
        for k in 0..500 {
            many.insert(format!("v{k}"), &k);
        }
        let template: String = (0..500).map(|k| format!("{{{{ v{k} }}}},")).collect();
        tera.add_raw_template("many.html", &template).unwrap();
        let expected: String = (0..500).map(|k| format!("{k},")).collect();
        assert_eq!(tera.render("many.html", &many).unwrap(), expected);
    }

    #[test]
    fn conditions_test_names_as_they_are_and_compare_strings_as_printed() {
        // Vendored tera tests a condition's value and compares two values
        // without escaping each into a copy first; what a condition decides
        // must stay what it was when both sides were escaped.
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fns(escape_html, escape_html_into);
        let conditions = [
            ("{% if e %}y{% else %}n{% endif %}", "n"),
            ("{% if not e %}y{% else %}n{% endif %}", "y"),
            ("{% if amp %}y{% else %}n{% endif %}", "y"),
            ("{% if not amp %}y{% else %}n{% endif %}", "n"),
            ("{% if missing %}y{% else %}n{% endif %}", "n"),
            ("{% if not missing %}y{% else %}n{% endif %}", "y"),
            ("{% if \"\" ~ e %}y{% else %}n{% endif %}", "n"),
            ("{% if \"\" ~ amp %}y{% else %}n{% endif %}", "y"),
            ("{% if x == y %}y{% else %}n{% endif %}", "y"),
            ("{% if x != y %}y{% else %}n{% endif %}", "n"),
            ("{% if x == \"a&b\" %}y{% else %}n{% endif %}", "y"),
            ("{% if x | safe == y | safe %}y{% else %}n{% endif %}", "y"),
            // Escaped on one side only: `a&b` against `a&amp;b`.
            ("{% if x | safe == y %}y{% else %}n{% endif %}", "n"),
            ("{% if x | safe != y %}y{% else %}n{% endif %}", "y"),
            ("{% if x == amp %}y{% else %}n{% endif %}", "n"),
            ("{% if n == 2 %}y{% else %}n{% endif %}", "y"),
            ("{% if n == \"2\" %}y{% else %}n{% endif %}", "n"),
        ];
        let mut context = tera::Context::new();
        context.insert("e", "");
        context.insert("amp", "&");
        context.insert("x", "a&b");
        context.insert("y", "a&b");
        context.insert("n", &2);
        for (k, (template, expected)) in conditions.iter().enumerate() {
            let name = format!("c{k}.html");
            tera.add_raw_template(&name, template).unwrap();
            assert_eq!(
                tera.render(&name, &context).unwrap(),
                *expected,
                "{template}"
            );
        }
    }

    #[test]
    fn escaping_finds_each_special_character_wherever_it_stands() {
        // Every special character at every place of strings shorter and
        // longer than a vector and than `SHORT` (looked at byte by byte
        // below it, scanned above), beside multibyte text, against
        // escaping one character at a time.
        let reference = |input: &str| -> String {
            input
                .chars()
                .map(|c| match c {
                    '&' => "&amp;".to_owned(),
                    '<' => "&lt;".to_owned(),
                    '>' => "&gt;".to_owned(),
                    '"' => "&quot;".to_owned(),
                    '\'' => "&#x27;".to_owned(),
                    c => c.to_string(),
                })
                .collect()
        };
        for len in [1, 7, 15, 16, 17, 31, 32, 33, 50, 63, 64, 65, 70, 130] {
            for special in ['&', '<', '>', '"', '\''] {
                for at in 0..len {
                    let mut text: Vec<char> = "ab é 日x".chars().cycle().take(len).collect();
                    text[at] = special;
                    let input: String = text.iter().collect();
                    assert_eq!(escape_html(&input), reference(&input), "{input}");
                    let mut late = input.clone();
                    late.push('"');
                    assert_eq!(escape_html(&late), reference(&late), "{late}");
                }
            }
        }
    }

    #[test]
    fn escaping_into_the_page_writes_what_escaping_returns() {
        for input in [
            "",
            "plain",
            "<",
            "&&",
            "'quoted' \"twice\"",
            "<a href=\"x\">Tom & Jerry's</a>",
            "é<ü>€&",
            "ends with >",
            "< starts",
            "日本語のテキスト & more",
            "a long line with nothing to escape in it at all, past a vector's width",
            "a long line whose only special character comes late: 'here'",
            "a long line with markup late <b> and a quote earlier: \"",
        ] {
            let mut written = Vec::new();
            escape_html_into(input, &mut written).unwrap();
            assert_eq!(
                String::from_utf8(written).unwrap(),
                escape_html(input),
                "{input}"
            );
        }
    }

    #[test]
    fn tera_prints_values_escaped_as_before_when_it_escapes_into_the_page() {
        // Every way a template prints or compares a value, rendered with the
        // escaper that returns a string only and with both: the output must
        // be the same, and escaped where Tera escapes.
        let macros = concat!(
            "{% macro shout(v) %}[{{ v }}]{% endmacro shout %}",
            "{% macro twice(v) %}{{ self::shout(v=v) }}{{ self::shout(v=v) }}{% endmacro twice %}",
        );
        let page = concat!(
            "{% import \"m.html\" as m %}",
            "{{ s }}|{{ s | safe }}|{{ s | upper }}|{{ n }}|{{ not s }}|",
            "{{ s ~ \"<\" }}|{{ \"<lit>\" }}|{{ m::shout(v=s) }}|",
            "{% set y = s %}{{ y }}|{{ missing | default(value=\"<d>\") }}|",
            "{% if s == \"<b>&\" %}equal{% endif %}|{{ list }}|{{ list.0 }}|",
            "{% for x in list %}{{ x }}{% endfor %}|{{ text(v=s) }}|",
            "{{ m::twice(v=s) }}|{{ m::shout(v=s) | lower }}|",
            "{% filter upper %}{{ m::shout(v=s) }}{% endfilter %}|",
        );
        let render = |both: bool| {
            let mut tera = Tera::default();
            tera.autoescape_on(vec![".html"]);
            if both {
                tera.set_escape_fns(escape_html, escape_html_into);
            } else {
                tera.set_escape_fn(escape_html);
            }
            tera.register_function("text", |args: &HashMap<String, Value>| {
                Ok(args.get("v").cloned().unwrap_or_default())
            });
            tera.add_raw_templates([("m.html", macros), ("p.html", page)])
                .unwrap();
            let mut context = tera::Context::new();
            context.insert("s", "<b>&");
            context.insert("n", &7);
            context.insert("list", &["<i>", "'q'"]);
            tera.render("p.html", &context).unwrap()
        };
        let before = render(false);
        assert_eq!(render(true), before);
        assert!(
            before.starts_with("&lt;b&gt;&amp;|<b>&|&lt;B&gt;&amp;|7|false|"),
            "{before}"
        );
        assert!(before.contains("|[&lt;b&gt;&amp;]|"), "{before}");
        assert!(before.contains("|&lt;i&gt;&#x27;q&#x27;|"), "{before}");
        // A macro's output printed as it is, from inside another macro too;
        // with a filter; inside a filter section.
        assert!(
            before.ends_with(concat!(
                "|[&lt;b&gt;&amp;][&lt;b&gt;&amp;]",
                "|[&amp;lt;b&amp;gt;&amp;amp;]",
                "|[&LT;B&GT;&AMP;]|"
            )),
            "{before}"
        );
    }

    /// The patched tera walks a frame's few variables rather than hashing
    /// them, and splits a path at its dot once per lookup
    /// (vendor/tera/PATCHED.md): a name set twice holds its last value, a
    /// loop's sets go with each turn, a macro sees its arguments and not the
    /// caller's loop, and an inner loop's name hides an outer one's.
    #[test]
    fn tera_frames_find_what_they_set_last_and_the_nearest_name() {
        let macros = concat!(
            "{% macro pair(a, b=\"B\") %}{{ a }}{{ b }}{% set a = \"z\" %}{{ a }}",
            "{% if x is defined %}!{% endif %}{% endmacro pair %}",
        );
        let page = concat!(
            "{% import \"m.html\" as m %}",
            "{% set v = 1 %}{% set v = 2 %}{{ v }}|",
            "{% for x in xs %}{% set t = x.n %}{% set t = t + 10 %}{{ t }},{% endfor %}|",
            "{% for x in xs %}{% for x in x.inner %}{{ x }}{% endfor %};{% endfor %}|",
            "{% for x in xs %}{{ m::pair(a=x.n) }}{% endfor %}|",
            "{{ o.p.q }}{{ xs.0.n }}",
        );
        let mut tera = Tera::default();
        tera.add_raw_templates([("m.html", macros), ("p.html", page)])
            .unwrap();
        let mut context = tera::Context::new();
        context.insert(
            "xs",
            &serde_json::json!([{"n": 1, "inner": ["a", "b"]}, {"n": 2, "inner": ["c"]}]),
        );
        context.insert("o", &serde_json::json!({"p": {"q": "deep"}}));
        let out = tera.render("p.html", &context).unwrap();
        assert_eq!(out, "2|11,12,|ab;c;|1Bz2Bz|deep1");
    }

    #[test]
    fn macros_are_found_through_imports_parents_and_includes_as_templates_change() {
        // Tera works out which template each namespace names when templates
        // are added (vendor/tera/PATCHED.md): through a parent, an include
        // and an import's own import, for templates added later, and with a
        // macro file replaced. (A block's include finds macros by the
        // block's template, in tera as published too, so the include here
        // is outside any block.)
        let mut tera = Tera::default();
        tera.add_raw_templates([
            ("m.html", "{% macro a() %}A1{% endmacro a %}"),
            (
                "n.html",
                "{% import \"m.html\" as m %}{% macro b() %}B{{ m::a() }}{% endmacro b %}",
            ),
            (
                "base.html",
                "{% import \"m.html\" as m %}<{% block content %}{{ m::a() }}{% endblock content %}>",
            ),
            (
                "child.html",
                "{% extends \"base.html\" %}{% block content %}{{ m::a() }}|{% endblock content %}",
            ),
            (
                "page.html",
                "{% import \"m.html\" as m %}{{ m::a() }}|{% include \"inc.html\" %}",
            ),
            ("inc.html", "{% import \"n.html\" as n %}{{ n::b() }}"),
        ])
        .unwrap();
        let context = tera::Context::new();
        let render = |tera: &Tera, name: &str| tera.render(name, &context);
        assert_eq!(render(&tera, "base.html").unwrap(), "<A1>");
        assert_eq!(render(&tera, "child.html").unwrap(), "<A1|>");
        assert_eq!(render(&tera, "page.html").unwrap(), "A1|BA1");
        tera.add_raw_template("late.html", "{% import \"n.html\" as n %}{{ n::b() }}")
            .unwrap();
        assert_eq!(render(&tera, "late.html").unwrap(), "BA1");
        tera.add_raw_template("m.html", "{% macro a() %}A2{% endmacro a %}")
            .unwrap();
        assert_eq!(render(&tera, "child.html").unwrap(), "<A2|>");
        assert_eq!(render(&tera, "page.html").unwrap(), "A2|BA2");
        let error = |name: &str, text: &str| {
            let mut tera = tera.clone();
            tera.add_raw_template(name, text).unwrap();
            let err = render(&tera, name).unwrap_err();
            let mut message = err.to_string();
            let mut source = std::error::Error::source(&err);
            while let Some(s) = source {
                message = format!("{message}: {s}");
                source = s.source();
            }
            message
        };
        let unknown = error("x.html", "{% import \"m.html\" as m %}{{ zz::a() }}");
        assert!(
            unknown.contains("Macro namespace `zz` was not found in template `x.html`"),
            "{unknown}"
        );
        let missing = error("y.html", "{% import \"m.html\" as m %}{{ m::nope() }}");
        assert!(
            missing.contains("Macro `m::nope` not found in template `y.html`"),
            "{missing}"
        );
    }

    #[test]
    fn templates_importing_macros_in_a_circle_are_an_error_at_their_import() {
        // Gathering their macros would never end; the circle is reported
        // from the first of its templates by name, where it imports the next.
        let a = SourceFile::new(
            "templates/a.html",
            "{% import \"b.html\" as b %}\n{% macro x() %}x{% endmacro x %}",
        );
        let b = SourceFile::new(
            "templates/b.html",
            "{% import \"a.html\" as a %}{% macro y() %}{{ a::x() }}{% endmacro y %}",
        );
        let err = templates(
            &[("b.html".into(), b), ("a.html".into(), a)],
            Default::default(),
        )
        .err()
        .expect("a circle of imports is an error");
        assert_eq!(err.len(), 1);
        let d = &err[0];
        assert_eq!(d.file, Path::new("templates/a.html"));
        assert_eq!(
            (d.position.line, d.position.column),
            (1, 12),
            "{}",
            d.message
        );
        assert!(
            d.message
                .contains("'a.html' imports 'b.html' imports 'a.html'"),
            "{}",
            d.message
        );
        assert!(d.hint.as_deref().unwrap_or("").contains("imports neither"));
        // A template importing itself.
        let c = SourceFile::new("templates/c.html", "{% import \"c.html\" as c %}");
        let err = templates(&[("c.html".into(), c)], Default::default())
            .err()
            .expect("importing itself is an error");
        assert!(
            err[0].message.contains("'c.html' imports 'c.html'"),
            "{}",
            err[0].message
        );
    }

    #[test]
    fn escapes_the_five_special_characters_and_keeps_everything_else() {
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("plain"), "plain");
        assert_eq!(
            escape_html("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#x27;s&lt;/a&gt;"
        );
        assert_eq!(escape_html("é<ü>€&"), "é&lt;ü&gt;€&amp;");
        assert_eq!(escape_html("&&"), "&amp;&amp;");
        // Each alone in a string: the scan for a first special character
        // finds every one of them.
        for (special, entity) in [
            ("&", "&amp;"),
            ("<", "&lt;"),
            (">", "&gt;"),
            ("\"", "&quot;"),
            ("'", "&#x27;"),
        ] {
            assert_eq!(escape_html(&format!("a{special}b")), format!("a{entity}b"));
        }
    }
}
