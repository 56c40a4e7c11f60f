//! Keeps docs/reference/templates.md true to what templates receive.
//!
//! The fields are not listed by hand here: a copy of the golden fixture site
//! (paginated two to a page, so every list has a pager with neighbours) is
//! built with each page template overridden by one that prints Tera's whole
//! context as JSON. Every key path found in any page (`briefing.claims[].id`)
//! must be documented, and every path the page documents must be found.
//! The partials rendered apart from pages (a claim's row, a claim's card,
//! a briefing's list item, a claim's related line) are overridden the same way: what they print
//! reaches the pages' contexts as text, and is read from there.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use serde_json::Value;

const REFERENCE: &str = "docs/reference/templates.md";

/// The template social cards are drawn from: no page, so what it receives
/// is asked of the library rather than printed by a build.
const CARD: &str = "card.svg";

/// Partials rendered on their own, whose output pages print: they receive
/// `site` and their own variables, checked like a page's.
const FRAGMENTS: &[&str] = &[
    "claim_row.html",
    "claim_card.html",
    "briefing_item.html",
    "related_claim.html",
];

/// Templates that no page is rendered with directly: the layout the pages
/// extend, the macros they import and the partials (the source card is
/// included by the claim card, and sees its variables).
const NOT_PAGES: &[&str] = &[
    "base.html",
    "macros.html",
    "claim_row.html",
    "claim_card.html",
    "source_card.html",
    "briefing_item.html",
    "related_claim.html",
];

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The page templates of the built-in theme, from its folder, so a template
/// added to the theme is covered without touching this test.
fn page_templates() -> BTreeSet<String> {
    fs::read_dir(repo().join("templates"))
        .expect("the theme's templates/ folder")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".html") && !NOT_PAGES.contains(&name.as_str()))
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Where a key path was seen: the template and one page made with it.
type Received = BTreeMap<String, BTreeMap<String, String>>;

/// Builds the context-printing site and collects, per template, every key
/// path its pages receive, with the first page that showed each.
fn received() -> Received {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_dir(&repo().join("tests/fixtures/golden"), &root);
    let mut site_yaml = fs::read_to_string(root.join("site.yaml")).unwrap();
    site_yaml.push_str("paginate: 2\n");
    // A second language, with one briefing translated, so that pages have
    // versions to link to (`translations`).
    site_yaml = site_yaml.replace("language: en\n", "languages: [en, fr]\n");
    let briefing = root.join("content/briefings/briefing-00001-public-debt.md");
    fs::copy(&briefing, briefing.with_extension("fr.md")).unwrap();
    let page = root.join("content/pages/about.md");
    fs::copy(&page, page.with_extension("fr.md")).unwrap();
    fs::write(root.join("site.yaml"), site_yaml).unwrap();
    let templates = page_templates();
    fs::create_dir_all(root.join("templates")).unwrap();
    for name in templates
        .iter()
        .map(String::as_str)
        .chain(FRAGMENTS.iter().copied())
    {
        // `__tera_context` prints the context as JSON, unescaped.
        fs::write(
            root.join("templates").join(name),
            format!("{{\"template\": \"{name}\", \"context\": {{{{ __tera_context }}}}}}\n"),
        )
        .unwrap();
    }
    let output = dir.path().join("public");
    let run = common::brief(
        dir.path(),
        &[
            "build",
            "--quiet",
            "--root",
            root.to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status, 0, "{}{}", run.stdout, run.stderr);

    let mut found: Received = templates
        .iter()
        .cloned()
        .chain(FRAGMENTS.iter().map(|t| t.to_string()))
        .map(|t| (t, BTreeMap::new()))
        .collect();
    for (rel, bytes) in common::snapshot(&output) {
        if rel.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let page = url_of(&rel);
        let json: Value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{page} did not print its context as JSON: {e}"));
        // The page's context, and that of each fragment it prints.
        let mut printed = vec![json];
        while let Some(json) = printed.pop() {
            let template = json["template"].as_str().unwrap().to_owned();
            let paths = found.get_mut(&template).unwrap();
            let mut keys = BTreeSet::new();
            key_paths(&json["context"], "", &mut keys);
            for key in keys {
                paths.entry(key).or_insert_with(|| page.clone());
            }
            fragments(&json["context"], &mut printed);
        }
    }
    // What card.svg receives, for each card the site would have.
    let contexts = brief::Session::new(brief::config::Options::new(&root))
        .card_contexts()
        .unwrap_or_else(|e| panic!("{e:?}"));
    let cards = found.entry(CARD.to_owned()).or_default();
    for (path, context) in contexts {
        let mut keys = BTreeSet::new();
        key_paths(&context, "", &mut keys);
        for key in keys {
            cards
                .entry(key)
                .or_insert_with(|| format!("/{}", path.display()));
        }
    }
    for (template, paths) in &found {
        assert!(
            !paths.is_empty(),
            "no page of the test site was rendered with {template}: give the fixture one"
        );
    }
    found
}

/// The fragments printed in a context: texts that are a partial's output.
fn fragments(value: &Value, out: &mut Vec<Value>) {
    match value {
        Value::String(text) if text.starts_with("{\"template\": ") => {
            out.push(serde_json::from_str(text).expect("a fragment prints its context as JSON"));
        }
        Value::Object(map) => map.values().for_each(|v| fragments(v, out)),
        Value::Array(items) => items.iter().for_each(|v| fragments(v, out)),
        _ => {}
    }
}

fn url_of(rel: &Path) -> String {
    let path = rel.to_string_lossy().replace('\\', "/");
    format!("/{}", path.strip_suffix("index.html").unwrap_or(&path))
}

/// Every key of every object, as a dotted path, with `[]` for a step into
/// a list's items.
fn key_paths(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                key_paths(child, &path, out);
                out.insert(path);
            }
        }
        Value::Array(items) => {
            for item in items {
                key_paths(item, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

/// One row of a table on the reference page.
#[derive(Clone, Debug)]
struct Row {
    names: Vec<String>,
    /// The type the row links to, if it is an object or a list of them.
    link: Option<String>,
    list: bool,
    line: usize,
}

/// The reference page, parsed: the variables every template receives, each
/// page template's own, and the types they refer to.
#[derive(Default, Debug)]
struct Reference {
    common: Vec<Row>,
    templates: BTreeMap<String, Vec<Row>>,
    types: BTreeMap<String, Vec<Row>>,
    /// "Every field of [X](#x), and:" under a type: its base type and line.
    bases: BTreeMap<String, (String, usize)>,
}

enum Part {
    None,
    Common,
    Template(String),
    Type(String),
}

fn parse_reference(text: &str) -> Reference {
    let mut reference = Reference::default();
    let mut part = Part::None;
    let mut in_templates = false;
    let mut in_types = false;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if let Some(title) = line.strip_prefix("## ") {
            in_templates =
                title == "Page templates" || title == "The card template" || title == "Partials";
            in_types = title == "Types";
            part = if title == "Every template" {
                Part::Common
            } else {
                Part::None
            };
        } else if let Some(title) = line.strip_prefix("### ") {
            let name = title
                .split([':', ' '])
                .next()
                .unwrap()
                .trim_matches('`')
                .to_owned();
            if in_templates
                && NOT_PAGES.contains(&name.as_str())
                && !FRAGMENTS.contains(&name.as_str())
            {
                // Included by a fragment, with its variables: not checked.
                part = Part::None;
            } else if in_templates {
                assert!(
                    name.ends_with(".html") || name == CARD,
                    "{REFERENCE}:{line_no}: a heading under \"Page templates\" must start with a template's name"
                );
                reference.templates.entry(name.clone()).or_default();
                part = Part::Template(name);
            } else if in_types {
                let name = title.trim().to_owned();
                reference.types.entry(name.clone()).or_default();
                part = Part::Type(name);
            } else {
                part = Part::None;
            }
        } else if let Some(rest) = line.strip_prefix("Every field of ") {
            let Part::Type(name) = &part else {
                panic!("{REFERENCE}:{line_no}: \"Every field of\" belongs under a type");
            };
            let base = link_target(rest)
                .unwrap_or_else(|| panic!("{REFERENCE}:{line_no}: name the type as a link"));
            reference.bases.insert(name.clone(), (base, line_no));
        } else if let Some(row) = table_row(line, line_no) {
            match &part {
                Part::Common => reference.common.push(row),
                Part::Template(name) => reference.templates.get_mut(name).unwrap().push(row),
                Part::Type(name) => reference.types.get_mut(name).unwrap().push(row),
                Part::None => {}
            }
        }
    }
    reference
}

/// A table row whose first cell names fields in backticks; header and
/// separator rows have none and are skipped.
fn table_row(line: &str, line_no: usize) -> Option<Row> {
    let cells: Vec<&str> = line.trim().strip_prefix('|')?.split('|').collect();
    let names: Vec<String> = cells[0]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    if names.is_empty() {
        return None;
    }
    let kind = cells.get(1).copied().unwrap_or("").trim();
    Some(Row {
        names,
        link: link_target(kind),
        list: kind.starts_with("list of"),
        line: line_no,
    })
}

/// `Name` from the first Markdown link `[Name](#anchor)` in `text`.
fn link_target(text: &str) -> Option<String> {
    let start = text.find('[')?;
    let end = start + text[start..].find("](")?;
    Some(text[start + 1..end].to_owned())
}

impl Reference {
    /// The fields of a type, with those of its base, each with the line
    /// that documents it.
    fn fields(&self, name: &str, line: usize) -> Vec<Row> {
        let own = self.types.get(name).unwrap_or_else(|| {
            panic!(
                "{REFERENCE}:{line}: links to type `{name}`, which has no section under \"Types\""
            )
        });
        let mut rows = match self.bases.get(name) {
            Some((base, line)) => self.fields(base, *line),
            None => Vec::new(),
        };
        rows.extend(own.iter().cloned());
        rows
    }

    /// Every key path the rows document, each with the line of the row
    /// that documents its last step.
    fn expand(&self, rows: &[Row], prefix: &str, depth: usize, out: &mut BTreeMap<String, usize>) {
        assert!(
            depth < 16,
            "{REFERENCE}: the types refer to each other in a loop"
        );
        for row in rows {
            for name in &row.names {
                let path = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}.{name}")
                };
                out.entry(path.clone()).or_insert(row.line);
                if let Some(target) = &row.link {
                    let inner = if row.list { format!("{path}[]") } else { path };
                    self.expand(&self.fields(target, row.line), &inner, depth + 1, out);
                }
            }
        }
    }

    /// Per template, every key path the page documents for it.
    fn documented(&self) -> BTreeMap<String, BTreeMap<String, usize>> {
        self.templates
            .iter()
            .map(|(name, rows)| {
                let mut paths = BTreeMap::new();
                // The card template receives only its own variables; a
                // fragment's partial, `site` and its own.
                if FRAGMENTS.contains(&name.as_str()) {
                    let site: Vec<Row> = self
                        .common
                        .iter()
                        .filter(|row| row.names.iter().any(|n| n == "site"))
                        .cloned()
                        .collect();
                    self.expand(&site, "", 0, &mut paths);
                } else if name != CARD {
                    self.expand(&self.common, "", 0, &mut paths);
                }
                self.expand(rows, "", 0, &mut paths);
                (name.clone(), paths)
            })
            .collect()
    }
}

/// What differs between the page and what templates receive, one line each.
fn differences(
    documented: &BTreeMap<String, BTreeMap<String, usize>>,
    received: &Received,
) -> Vec<String> {
    let mut problems = Vec::new();
    for template in received.keys() {
        if !documented.contains_key(template) {
            problems.push(format!(
                "{REFERENCE}: {template} has no section under \"Page templates\""
            ));
        }
    }
    for (template, paths) in documented {
        let Some(actual) = received.get(template) else {
            problems.push(format!(
                "{REFERENCE}: documents {template}, which is not a page template of the theme"
            ));
            continue;
        };
        for (path, page) in actual {
            if !paths.contains_key(path) {
                let parent = parent(path)
                    .and_then(|p| paths.get(p).map(|line| (p, line)))
                    .map(|(p, line)| format!("; `{p}` is documented at {REFERENCE}:{line}"))
                    .unwrap_or_default();
                problems.push(format!(
                    "undocumented: {template} receives `{path}` (e.g. on {page}), \
                     which {REFERENCE} does not list{parent}"
                ));
            }
        }
        for (path, line) in paths {
            if !actual.contains_key(path) {
                problems.push(format!(
                    "{REFERENCE}:{line}: documents `{path}` for {template}, \
                     which no page made with {template} receives"
                ));
            }
        }
    }
    problems
}

/// The path one step up: `a.b[].c` -> `a.b`.
fn parent(path: &str) -> Option<&str> {
    path.rsplit_once('.')
        .map(|(up, _)| up.strip_suffix("[]").unwrap_or(up))
}

#[test]
fn every_field_templates_receive_is_documented_and_every_documented_field_exists() {
    let text = fs::read_to_string(repo().join(REFERENCE)).unwrap();
    let reference = parse_reference(&text);
    let problems = differences(&reference.documented(), &received());
    assert!(
        problems.is_empty(),
        "{REFERENCE} and what templates receive differ:\n{}",
        problems.join("\n")
    );
}

/// The comparison itself must catch a missing row and a row too many.
#[test]
fn a_missing_or_extra_row_is_named_with_where_it_is() {
    let text = "\
## Every template

| variable | type | what |
| --- | --- | --- |
| `site` | [Site](#site) | |

## Page templates

### index.html: `/`

| variable | type | what |
| --- | --- | --- |
| `gone` | number | |

## Types

### Base

| field | type | what |
| --- | --- | --- |
| `title` | text | |

### Site

Every field of [Base](#base), and:

| field | type | what |
| --- | --- | --- |
| `pages` | list of [Page](#page) | |

### Page

| field | type | what |
| --- | --- | --- |
| `url`, `title` | text | |
";
    let reference = parse_reference(text);
    let documented = reference.documented();
    assert_eq!(
        documented["index.html"].keys().collect::<Vec<_>>(),
        [
            "gone",
            "site",
            "site.pages",
            "site.pages[].title",
            "site.pages[].url",
            "site.title"
        ]
    );
    let received: Received = [(
        "index.html".to_owned(),
        [
            "site",
            "site.title",
            "site.pages",
            "site.pages[].url",
            "pager",
        ]
        .into_iter()
        .map(|p| (p.to_owned(), "/".to_owned()))
        .collect(),
    )]
    .into_iter()
    .collect();
    let problems = differences(&documented, &received);
    assert_eq!(
        problems,
        [
            format!("undocumented: index.html receives `pager` (e.g. on /), which {REFERENCE} does not list"),
            format!("{REFERENCE}:13: documents `gone` for index.html, which no page made with index.html receives"),
            format!("{REFERENCE}:35: documents `site.pages[].title` for index.html, which no page made with index.html receives"),
        ]
    );
}

#[test]
fn key_paths_step_into_objects_and_list_items() {
    let value: Value = serde_json::json!({
        "a": {"b": 1, "c": [{"d": 2}, {"e": null}], "f": ["x"]}
    });
    let mut keys = BTreeSet::new();
    key_paths(&value, "", &mut keys);
    assert_eq!(
        keys.into_iter().collect::<Vec<_>>(),
        ["a", "a.b", "a.c", "a.c[].d", "a.c[].e", "a.f"]
    );
}
