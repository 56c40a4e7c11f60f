//! Page bundles and the files published beside pages: images come out
//! resized and stripped of their metadata, other files as they are.

mod common;

use common::Site;

#[test]
fn a_bundle_builds_into_the_briefing_page_under_its_folder_name() {
    let site = Site::with(&[("content/briefings/pier/index.md", common::MINIMAL_BRIEFING)]);
    site.build();
    assert!(site.path("public/briefings/pier/index.html").is_file());
}

#[test]
fn a_file_and_a_bundle_with_one_slug_are_an_error_naming_both() {
    let site = Site::with(&[
        ("content/briefings/pier.md", common::MINIMAL_BRIEFING),
        ("content/briefings/pier/index.md", common::MINIMAL_BRIEFING),
    ]);
    let run = site.run(&["build"]);
    assert_ne!(run.status, 0);
    let out = format!("{}{}", run.stdout, run.stderr);
    assert!(out.contains("two briefings have the slug `pier`"), "{out}");
    assert!(out.contains("content/briefings/pier.md"), "{out}");
    assert!(out.contains("content/briefings/pier/index.md"), "{out}");
}
