//! The checks that compare each translated briefing with its original.
//!
//! A desk that publishes in several languages must not tell French readers
//! one thing and English readers another. Each language is checked on its
//! own like any site; what only shows side by side is checked here, with
//! the original (the briefing of the default language with the same slug)
//! as the reference: a claim whose verdict differs is an error, a claim
//! missing from either side and a translation older than its original's
//! last update are warnings, each located in the translation.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::model::Briefing;
use crate::resolve::Site;

/// Every disagreement between the briefings of `translations` (one site
/// per language other than the default) and their originals in `original`.
pub fn check(original: &Site, translations: &[&Site]) -> Vec<Diagnostic> {
    let by_slug: HashMap<&str, &Briefing> = original
        .briefings
        .iter()
        .map(|b| (b.slug.as_str(), b.as_ref()))
        .collect();
    let mut out = Vec::new();
    for site in translations {
        for (b, translation) in site.briefings.iter().enumerate() {
            if let Some(original) = by_slug.get(translation.slug.as_str()) {
                compare(site, b, original, &mut out);
            }
        }
    }
    out
}

fn compare(site: &Site, b: usize, original: &Briefing, out: &mut Vec<Diagnostic>) {
    let translation = &site.briefings[b];
    let file = &translation.file;
    let theirs = original.file.display();
    let language = &site.config.language;
    let originals: HashMap<&str, &crate::model::Claim> =
        original.claims.iter().map(|c| (c.id.as_str(), c)).collect();
    for claim in &translation.claims {
        let field = format!("claims[{}]", claim.index);
        let Some(first) = originals.get(claim.id.as_str()) else {
            out.push(
                Diagnostic::warning(
                    file,
                    site.locate(b, &format!("{field}.id")),
                    format!("claim `{}` is not in the original, {theirs}", claim.id),
                )
                .with_field(format!("{field}.id"))
                .with_hint("a translation checks the same claims as its original, with the same ids: give this claim the id it has there, or add it to the original first"),
            );
            continue;
        };
        if claim.verdict != first.verdict {
            out.push(
                Diagnostic::error(
                    file,
                    site.locate(b, &format!("{field}.verdict")),
                    format!(
                        "claim `{}` is rated `{}` in this translation but `{}` in the original, {theirs}",
                        claim.id, claim.verdict, first.verdict
                    ),
                )
                .with_field(format!("{field}.verdict"))
                .with_hint(format!(
                    "readers in every language must get the same verdict: change it to `verdict: {}`, or correct the original first",
                    first.verdict
                )),
            );
        }
        if claim.speaker != first.speaker {
            out.push(
                Diagnostic::warning(
                    file,
                    site.locate(b, &format!("{field}.speaker")),
                    format!(
                        "claim `{}` is attributed to `{}` in this translation but to `{}` in the original, {theirs}",
                        claim.id, claim.speaker, first.speaker
                    ),
                )
                .with_field(format!("{field}.speaker"))
                .with_hint(format!("speaker ids are the same in every language: write `speaker: {}`", first.speaker)),
            );
        }
    }
    let translated: Vec<&str> = translation.claims.iter().map(|c| c.id.as_str()).collect();
    let missing: Vec<&str> = original
        .claims
        .iter()
        .map(|c| c.id.as_str())
        .filter(|id| !translated.contains(id))
        .collect();
    if !missing.is_empty() && !translation.is_broken("claims") {
        let list = missing
            .iter()
            .map(|id| format!("`{id}`"))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(
            Diagnostic::warning(
                file,
                site.locate(b, "claims"),
                format!(
                    "this `{language}` translation leaves out {} of the original, {theirs}: {list}",
                    if missing.len() == 1 { "a claim" } else { "claims" }
                ),
            )
            .with_field("claims")
            .with_hint("translate every claim the original checks, with the same ids, so readers in each language get the whole briefing"),
        );
    }
    if let Some(updated) = original.modified() {
        if translation.last_changed() < updated {
            let field = if translation.updated.is_some() {
                "updated"
            } else {
                "date"
            };
            out.push(
                Diagnostic::warning(
                    file,
                    site.locate(b, field),
                    format!(
                        "this translation was last changed on {}, before its original, {theirs}, was updated on {updated}",
                        translation.last_changed()
                    ),
                )
                .with_field(field)
                .with_hint(format!(
                    "bring the translation up to date with the original, then set `updated: {updated}` (or later) here"
                )),
            );
        }
    }
}
