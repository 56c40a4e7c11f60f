//! What an SVG file says about itself: its size, and whether it carries
//! anything that runs. An SVG is published as it is, and a browser that
//! opens it on its own runs its scripts on the site's origin, so a drawing
//! with a script is refused rather than cleaned.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// The root element's size and the first thing in the file that runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SvgInfo {
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Line and column (from 1) of the first script, event attribute,
    /// `javascript:` address or `<foreignObject>`.
    pub script: Option<(usize, usize)>,
}

/// Reads an SVG's text. An error is a reason the file is not an SVG a
/// browser could show.
pub fn inspect(text: &str) -> Result<SvgInfo, String> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = false;
    let mut info = SvgInfo::default();
    let mut root_seen = false;
    loop {
        let at = reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .map_err(|e| format!("this is not well-formed SVG: {e}"))?;
        let start = match &event {
            Event::Start(e) | Event::Empty(e) => e,
            Event::Eof => break,
            _ => continue,
        };
        if !root_seen {
            if local_name(start) != "svg" {
                return Err("this file's first element is not <svg>".into());
            }
            root_seen = true;
            size(start, &mut info);
        }
        if info.script.is_none() && runs(start) {
            // `at` is where the tag begins; report its line and column.
            info.script = Some(line_column(text, at.min(text.len())));
        }
    }
    if !root_seen {
        return Err("this file holds no <svg> element".into());
    }
    Ok(info)
}

fn local_name(e: &BytesStart) -> String {
    String::from_utf8_lossy(e.local_name().as_ref()).to_ascii_lowercase()
}

/// Whether an element runs code: a `<script>`, a `<foreignObject>` (which
/// can hold HTML), an `on…` event attribute or a `javascript:` address.
fn runs(e: &BytesStart) -> bool {
    let name = local_name(e);
    if name == "script" || name == "foreignobject" {
        return true;
    }
    e.attributes().flatten().any(|a| {
        let key = String::from_utf8_lossy(a.key.local_name().as_ref()).to_ascii_lowercase();
        let value: String = String::from_utf8_lossy(&a.value)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        key.starts_with("on") || value.contains("javascript:")
    })
}

/// Width and height from the root's attributes, or its `viewBox` when they
/// are missing or relative (`100%`).
fn size(e: &BytesStart, info: &mut SvgInfo) {
    let mut view_box = None;
    for a in e.attributes().flatten() {
        let value = String::from_utf8_lossy(&a.value).into_owned();
        match a.key.local_name().as_ref() {
            b"width" => info.width = length(&value),
            b"height" => info.height = length(&value),
            b"viewBox" => {
                let numbers: Vec<f64> = value
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|s| !s.is_empty())
                    .filter_map(|s| s.parse().ok())
                    .collect();
                if let [_, _, w, h] = numbers[..] {
                    view_box = Some((w, h));
                }
            }
            _ => {}
        }
    }
    if let Some((w, h)) = view_box {
        info.width = info.width.or_else(|| whole(w));
        info.height = info.height.or_else(|| whole(h));
    }
}

/// A length in pixels (`120`, `120px`, `120.5`); `None` for relative units.
fn length(value: &str) -> Option<u32> {
    let number = value.trim().strip_suffix("px").unwrap_or(value.trim());
    whole(number.parse().ok()?)
}

fn whole(n: f64) -> Option<u32> {
    (n.is_finite() && n >= 0.5 && n < f64::from(u32::MAX)).then(|| n.round() as u32)
}

/// Line and column (from 1, in characters) of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset;
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_come_from_attributes_or_the_view_box() {
        let info =
            inspect(r#"<svg xmlns="http://www.w3.org/2000/svg" width="120px" height="80"/>"#)
                .unwrap();
        assert_eq!((info.width, info.height), (Some(120), Some(80)));
        let info = inspect(r#"<svg width="100%" viewBox="0 0 640 360"><rect/></svg>"#).unwrap();
        assert_eq!((info.width, info.height), (Some(640), Some(360)));
        assert_eq!(info.script, None);
    }

    #[test]
    fn scripts_event_attributes_and_javascript_addresses_are_found_with_their_line() {
        let text = "<?xml version=\"1.0\"?>\n<svg viewBox=\"0 0 1 1\">\n  <rect/>\n  <script>alert(1)</script>\n</svg>";
        assert_eq!(inspect(text).unwrap().script, Some((4, 3)));
        let text = "<svg>\n<rect onload=\"x()\"/></svg>";
        assert_eq!(inspect(text).unwrap().script, Some((2, 1)));
        let text = "<svg><a href=\" java\nscript:x()\"><text>hi</text></a></svg>";
        assert!(inspect(text).unwrap().script.is_some());
        let text = "<svg><foreignObject><div/></foreignObject></svg>";
        assert!(inspect(text).unwrap().script.is_some());
        // Words in text are not attributes.
        let text = "<svg><text>turn on = off, javascript is fun</text></svg>";
        assert_eq!(inspect(text).unwrap().script, None);
    }

    #[test]
    fn files_that_are_not_svg_are_refused() {
        assert!(inspect("<html><body/></html>").is_err());
        assert!(inspect("just text").is_err());
        assert!(inspect("<svg><g></svg").is_err());
    }
}
