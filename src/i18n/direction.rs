//! Which way a language's text runs, for `<html dir>`: the theme's
//! stylesheet is written in logical properties (inline start and end, not
//! left and right), so this one attribute is all a right-to-left site needs
//! for its layout to mirror.

/// Languages written right to left by default (CLDR's character order),
/// by their primary subtag: Arabic, Hebrew, Persian and Urdu, and the other
/// right-to-left languages a desk is likely to publish in.
const RIGHT_TO_LEFT: &[&str] = &[
    "ar", "he", "iw", "fa", "ur", "ps", "sd", "ug", "yi", "dv", "ckb",
];

/// Scripts written right to left, for a tag that names its script
/// (`az-Arab`, `pa-Arab`): the script decides over the language.
const RIGHT_TO_LEFT_SCRIPTS: &[&str] = &["arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg"];

/// `"rtl"` for a BCP 47 language tag written right to left (`ar`, `he`,
/// `fa`, `ur`, with any region: `ar-EG`, `fa_IR`), else `"ltr"`. Matching
/// ignores case, and a script subtag wins over the language: `ar-Latn`
/// (Arabic in Latin letters) is left to right, `pa-Arab` right to left.
pub fn text_direction(language: &str) -> &'static str {
    let mut subtags = language.trim().split(['-', '_']);
    let primary = subtags.next().unwrap_or_default().to_ascii_lowercase();
    // A script subtag is the first of four letters after the language.
    let script = subtags
        .take_while(|s| s.len() != 2 && !s.chars().all(|c| c.is_ascii_digit()))
        .find(|s| s.len() == 4 && s.chars().all(|c| c.is_ascii_alphabetic()))
        .map(str::to_ascii_lowercase);
    let rtl = match script {
        Some(script) => RIGHT_TO_LEFT_SCRIPTS.contains(&script.as_str()),
        None => RIGHT_TO_LEFT.contains(&primary.as_str()),
    };
    if rtl {
        "rtl"
    } else {
        "ltr"
    }
}

#[cfg(test)]
mod tests {
    use super::text_direction;

    #[test]
    fn arabic_hebrew_persian_and_urdu_run_right_to_left() {
        for tag in ["ar", "he", "fa", "ur"] {
            assert_eq!(text_direction(tag), "rtl", "{tag}");
        }
    }

    #[test]
    fn a_region_or_a_different_case_keeps_the_direction() {
        for tag in [
            "ar-EG", "AR-eg", "he-IL", "fa_IR", "ur-PK", "ar-001", " ar ",
        ] {
            assert_eq!(text_direction(tag), "rtl", "{tag}");
        }
    }

    #[test]
    fn left_to_right_languages_and_lookalikes_stay_left_to_right() {
        for tag in [
            "en",
            "en-GB",
            "fr",
            "de",
            "ko",
            "zh-Hant-TW",
            "arn",
            "hy",
            "",
            "x",
        ] {
            assert_eq!(text_direction(tag), "ltr", "{tag}");
        }
    }

    #[test]
    fn a_script_subtag_decides_over_the_language() {
        assert_eq!(text_direction("ar-Latn"), "ltr");
        assert_eq!(text_direction("pa-Arab"), "rtl");
        assert_eq!(text_direction("az-Arab-IR"), "rtl");
        assert_eq!(text_direction("uz-Cyrl"), "ltr");
    }
}
