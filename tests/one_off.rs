//! `brief build` renders each briefing's body again from its file when
//! the briefing's page is made, rather than hold every body through the
//! build; `serve` keeps them, to rebuild a save quickly. Both must write
//! the same site, byte for byte. (A file changed in between stops the
//! build: `src/session/build.rs` tests that.)

mod common;

use brief::config::Options;
use brief::session::Session;
use common::{snapshot, Site};

type Snapshot = std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>;

/// A body with everything the Markdown renderer treats on its own: code
/// blocks (a language it highlights, one it does not know, none), headings
/// that would share an id, footnotes, a table, raw HTML, links to other
/// content and to an anchor, and a photo of the bundle.
const BODY: &str = r#"## Findings

The pier[^count] is empty, as [the other briefing](@/briefings/y.md) says; see [below](#findings-1).

![The empty pier at dawn](pier.jpg)

```json
{"arrivals": [12, 0, 3], "note": "<none> & more"}
```

```klingon
tlhIngan Hol Dajatlh'a'
```

    indented code, no language

## Findings

| month | arrivals |
|-------|----------|
| May   | 12       |

<aside onclick="steal()">An aside <script>alert(1)</script> in raw HTML.</aside>

[^count]: Counted by the harbour office on 3 May.
"#;

fn site(site_yaml: &str) -> Site {
    let site = Site::with(&[
        ("site.yaml", site_yaml),
        (
            "content/briefings/pier/index.md",
            &common::MINIMAL_BRIEFING.replace("Body text.\n", BODY),
        ),
        (
            "content/briefings/y.md",
            &common::SECOND_BRIEFING.replace("@/briefings/x.md", "@/briefings/pier/index.md"),
        ),
        (
            "content/speakers.yaml",
            "nebenzia:\n  name: Vassily Nebenzia\n",
        ),
    ]);
    site.write_bytes(
        "content/briefings/pier/pier.jpg",
        &common::image(60, 40, image::ImageFormat::Jpeg),
    );
    site
}

/// The site as `brief build` writes it, and as a session that keeps its
/// bodies (the first build of `serve`) writes it.
fn both_builds(site: &Site) -> (brief::session::Report, [Snapshot; 2]) {
    let one_off = tempfile::tempdir().unwrap();
    let kept = tempfile::tempdir().unwrap();
    let mut options = Options::new(site.root());
    options.output = Some(one_off.path().join("out"));
    let report = brief::build(&options).expect("the one-off build");
    options.output = Some(kept.path().join("out"));
    Session::new(options).build().expect("the kept build");
    (
        report,
        [
            snapshot(&one_off.path().join("out")),
            snapshot(&kept.path().join("out")),
        ],
    )
}

fn assert_same(site: &Site) {
    let (report, [one_off, kept]) = both_builds(site);
    assert!(report.pages > 5, "{report:?}");
    let paths = |s: &Snapshot| s.keys().cloned().collect::<Vec<_>>();
    assert_eq!(paths(&one_off), paths(&kept), "different files");
    for (path, bytes) in &kept {
        assert!(
            one_off[path] == *bytes,
            "{} differs:\none-off:\n{}\nkept:\n{}",
            path.display(),
            String::from_utf8_lossy(&one_off[path]),
            String::from_utf8_lossy(bytes)
        );
    }
    // What the comparison covers: the body on its page, highlighted, and
    // its words in the search index.
    let page =
        String::from_utf8_lossy(&kept[&std::path::PathBuf::from("briefings/pier/index.html")])
            .into_owned();
    assert!(page.contains("hl-code"), "no highlighted code:\n{page}");
    assert!(page.contains("Counted by the harbour office"), "{page}");
    let index: String = kept
        .iter()
        .filter(|(p, _)| p.starts_with("search/terms"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(index.contains("\"harbour\""), "body words not indexed");
}

#[test]
fn a_one_off_build_writes_what_a_build_that_keeps_the_bodies_writes() {
    assert_same(&site("title: Desk\nimages:\n  widths: [30]\n"));
}

#[test]
fn the_same_holds_with_raw_html_stripped() {
    assert_same(&site(
        "title: Desk\nimages:\n  widths: [30]\nmarkdown:\n  safe: true\n",
    ));
}
