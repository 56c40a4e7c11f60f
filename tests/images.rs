//! Images and files named in Markdown and front matter: resolved in the
//! bundle, under `content/` (`@/`) and under `static/` (`/`), written with
//! their size and variants under the base path, and checked where they are
//! written.

mod common;

use std::collections::HashSet;
use std::path::PathBuf;

use brief::config::Options;
use brief::session::Session;
use common::{attrs, image, Site};

const BUNDLE: &str = "content/briefings/pier/index.md";

/// A bundle briefing showing its photo, a static chart and a photo of
/// another bundle, citing a report it hosts.
fn pier_briefing(body: &str) -> String {
    common::MINIMAL_BRIEFING
        .replace(
            "summary: What it found.\n",
            "summary: What it found.\nimage:\n  src: pier.jpg\n  alt: The empty pier at dawn\n",
        )
        .replace(
            "    publisher: United Nations\n",
            "    publisher: United Nations\n    file: report.pdf\n",
        )
        .replace("Body text.", body)
}

const BODY: &str = "The pier:\n\n![The empty pier at dawn](pier.jpg)\n\n\
    ![Arrivals by month](/img/chart.png)\n\n![The harbour](@/briefings/harbour/harbour.jpg)\n\n\
    [The report](report.pdf)\n";

/// Small widths keep the encoding of the variants quick.
const SITE_YAML: &str = "title: Desk\nimages:\n  widths: [120, 240]\n";

fn pier_site() -> Site {
    let site = Site::with(&[
        ("site.yaml", SITE_YAML),
        (BUNDLE, &pier_briefing(BODY)),
        ("content/briefings/pier/report.pdf", "%PDF-1.4\n%%EOF\n"),
        (
            "content/briefings/harbour/index.md",
            common::MINIMAL_BRIEFING,
        ),
    ]);
    site.write_bytes(
        "content/briefings/pier/pier.jpg",
        &image(500, 250, image::ImageFormat::Jpeg),
    );
    site.write_bytes(
        "content/briefings/harbour/harbour.jpg",
        &image(200, 150, image::ImageFormat::Jpeg),
    );
    site.write_bytes(
        "static/img/chart.png",
        &image(160, 100, image::ImageFormat::Png),
    );
    site
}

#[test]
fn images_in_a_bundle_briefing_carry_their_size_variants_and_alt_text() {
    let site = pier_site();
    site.build();
    let page = site.page("/briefings/pier/");
    // The body's images: the lead image above it shows the same file.
    let img = |alt: &str, attr: &str| {
        let found = attrs(&page, &format!(".briefing__body img[alt=\"{alt}\"]"), attr);
        assert!(!found.is_empty(), "no img with alt {alt:?} and {attr}");
        found[0].clone()
    };
    assert_eq!(img("The empty pier at dawn", "width"), "240");
    assert_eq!(img("The empty pier at dawn", "height"), "120");
    assert_eq!(
        img("The empty pier at dawn", "src"),
        "/briefings/pier/pier-240w.jpg"
    );
    assert_eq!(
        img("The empty pier at dawn", "srcset"),
        "/briefings/pier/pier-120w.jpg 120w, /briefings/pier/pier-240w.jpg 240w"
    );
    assert_eq!(img("The empty pier at dawn", "loading"), "lazy");
    assert!(img("The empty pier at dawn", "sizes").contains("42rem"));
    let webp = attrs(&page, "main picture source[type=\"image/webp\"]", "srcset");
    assert!(
        webp.iter()
            .any(|s| s.starts_with("/briefings/pier/pier-120w.webp 120w")),
        "{webp:?}"
    );
    // `/…` names a file of static/, `@/…` one of another bundle.
    assert_eq!(img("Arrivals by month", "src"), "/img/chart-160w.png");
    assert_eq!(img("Arrivals by month", "width"), "160");
    assert_eq!(
        img("The harbour", "src"),
        "/briefings/harbour/harbour-200w.jpg"
    );
    assert_eq!(img("The harbour", "height"), "150");
    // Every file the page names is published.
    let mut named = attrs(&page, "main img", "src");
    for srcset in
        attrs(&page, "main img", "srcset")
            .into_iter()
            .chain(attrs(&page, "main source", "srcset"))
    {
        named.extend(
            srcset
                .split(", ")
                .map(|s| s.split(' ').next().unwrap().to_owned()),
        );
    }
    for url in &named {
        let file = site.path("public").join(url.trim_start_matches('/'));
        assert!(file.is_file(), "{url} is not published");
    }
    // A link to a bundle's document points at it.
    let hrefs = attrs(&page, "main a", "href");
    assert!(
        hrefs.iter().any(|h| h == "/briefings/pier/report.pdf"),
        "{hrefs:?}"
    );
}

#[test]
fn under_a_base_path_every_image_address_starts_with_it() {
    let site = pier_site();
    let run = site.run(&["build", "--base-url", "https://example.org/desk/"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let page = site.page("/briefings/pier/");
    let mut addresses = attrs(&page, "main img", "src");
    for srcset in
        attrs(&page, "main img", "srcset")
            .into_iter()
            .chain(attrs(&page, "main source", "srcset"))
    {
        addresses.extend(
            srcset
                .split(", ")
                .map(|s| s.split(' ').next().unwrap().to_owned()),
        );
    }
    assert!(addresses.len() >= 7, "{addresses:?}");
    for address in &addresses {
        assert!(address.starts_with("/desk/"), "{address} in {addresses:?}");
    }
    let hrefs = attrs(&page, "main a", "href");
    assert!(
        hrefs.iter().any(|h| h == "/desk/briefings/pier/report.pdf"),
        "{hrefs:?}"
    );
}

#[test]
fn a_missing_image_fails_at_its_place_and_leaves_the_output_alone() {
    let site = pier_site();
    site.build();
    let before = site.snapshot("public");
    site.write(
        BUNDLE,
        &pier_briefing("Intro.\n\n![The empty pier at dawn](peir.jpg)\n"),
    );
    let run = site.run(&["build"]);
    assert_ne!(run.status, 0);
    for expected in [
        "error: image `peir.jpg`: there is no file content/briefings/pier/peir.jpg",
        "content/briefings/pier/index.md:28:1",
        "hint: did you mean `pier.jpg`?",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
    assert_eq!(site.snapshot("public"), before);
}

#[test]
fn an_image_without_alt_text_fails_in_markdown_and_in_front_matter() {
    let site = pier_site();
    let text = pier_briefing("![](pier.jpg)\n")
        .replace("  alt: The empty pier at dawn\n", "  alt: \" \"\n");
    site.write(BUNDLE, &text);
    let run = site.run(&["build"]);
    assert_ne!(run.status, 0);
    for expected in [
        "error: `alt` is empty",
        "content/briefings/pier/index.md:7:3",
        "error: image `pier.jpg` has no alt text",
        "content/briefings/pier/index.md:26:1",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
}

#[test]
fn a_briefing_whose_missing_image_appears_builds_again_by_itself() {
    let site = pier_site();
    let mut session = Session::new(Options::new(site.root()));
    session.build().expect("first build");

    // The writer names a photo not saved yet: the build fails.
    site.write(
        BUNDLE,
        &pier_briefing("![The crowd on the pier](crowd.jpg)\n"),
    );
    let changed: HashSet<PathBuf> = [site.path(BUNDLE)].into();
    let failed = session.rebuild(Some(&changed), &mut |_| {});
    let message = format!("{failed:?}");
    assert!(message.contains("image `crowd.jpg`"), "{message}");

    // Saving the photo is the only change: the briefing builds.
    site.write_bytes(
        "content/briefings/pier/crowd.jpg",
        &image(300, 225, image::ImageFormat::Jpeg),
    );
    let changed: HashSet<PathBuf> = [site.path("content/briefings/pier/crowd.jpg")].into();
    session
        .rebuild(Some(&changed), &mut |_| {})
        .expect("the briefing builds once its image is there");
    let page = site.page("/briefings/pier/");
    assert_eq!(
        attrs(&page, "main img[alt=\"The crowd on the pier\"]", "width"),
        ["240"]
    );

    // Replaced by a smaller photo, the page shows the new size.
    site.write_bytes(
        "content/briefings/pier/crowd.jpg",
        &image(200, 100, image::ImageFormat::Jpeg),
    );
    session
        .rebuild(Some(&changed), &mut |_| {})
        .expect("rebuild");
    let page = site.page("/briefings/pier/");
    assert_eq!(
        attrs(&page, "main img[alt=\"The crowd on the pier\"]", "height"),
        ["100"]
    );

    // What the rebuilds left is what a fresh build writes.
    let dir = tempfile::tempdir().unwrap();
    let mut options = Options::new(site.root());
    options.output = Some(dir.path().join("out"));
    Session::new(options).build().expect("fresh build");
    let fresh = common::snapshot(&dir.path().join("out"));
    let kept = site.snapshot("public");
    let html = |files: &std::collections::BTreeMap<PathBuf, Vec<u8>>| {
        files
            .iter()
            .filter(|(path, _)| path.extension().is_some_and(|e| e == "html"))
            .map(|(path, bytes)| (path.clone(), bytes.clone()))
            .collect::<Vec<_>>()
    };
    assert!(
        html(&fresh) == html(&kept),
        "the rebuilt pages differ from a fresh build's"
    );
    let names = |files: &std::collections::BTreeMap<PathBuf, Vec<u8>>| {
        files.keys().cloned().collect::<Vec<_>>()
    };
    assert_eq!(names(&fresh), names(&kept));
}

#[test]
fn links_from_the_root_are_checked_against_the_pages() {
    let site = Site::with(&[
        (
            "content/briefings/x.md",
            &common::MINIMAL_BRIEFING.replace(
                "Body text.",
                "See [about](/about/), [the claim](/briefings/x/claims/first/), [feed](/feed.xml) and [speakers](/speakers/kim/).",
            ),
        ),
        ("content/pages/about.md", "---\ntitle: About\n---\nUs.\n"),
    ]);
    site.build();
    site.write(
        "content/briefings/x.md",
        &common::MINIMAL_BRIEFING.replace("Body text.", "See [about](/abuot/)."),
    );
    let run = site.run(&["build"]);
    assert_ne!(run.status, 0);
    for expected in [
        "error: link to `/abuot/`: the site has no page at that address",
        "content/briefings/x.md:22:5",
        "hint: did you mean `/about/`?",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
}

#[test]
fn a_source_with_a_hosted_file_counts_as_archived() {
    let site = pier_site();
    let run = site.run(&["check"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let evidence = run
        .stdout
        .lines()
        .find(|l| l.starts_with("Evidence:"))
        .unwrap_or_else(|| panic!("no evidence line in {}", run.stdout));
    // The harbour briefing's copy of the source has no file, so the
    // document counts once, archived by the pier's.
    assert!(
        evidence.contains("1 of 1 linked source (100%) archived"),
        "{evidence}"
    );

    site.write(
        BUNDLE,
        &pier_briefing(BODY).replace("    file: report.pdf\n", ""),
    );
    let run = site.run(&["check"]);
    let evidence = run
        .stdout
        .lines()
        .find(|l| l.starts_with("Evidence:"))
        .unwrap_or_default()
        .to_owned();
    assert!(
        evidence.contains("0 of 1 linked source (0%) archived"),
        "{evidence}"
    );
}
