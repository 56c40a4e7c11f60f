//! Cheap fingerprints of content and views, to tell what a rebuild must redo.
//!
//! A page is rendered again only when the fingerprint of what it shows has
//! changed since it was last written. Fingerprints are compared only within
//! one run of `brief`, so a fast non-cryptographic hash is enough; a save
//! fingerprints every page of the site, so its speed shows in `serve`.

use std::hash::{BuildHasher, Hash, Hasher};
use std::io;

use serde::Serialize;

/// A hasher for fingerprints, with fixed keys so that equal values give
/// equal fingerprints anywhere in a run.
pub(crate) fn hasher() -> ahash::AHasher {
    ahash::RandomState::with_seeds(
        0x243f_6a88_85a3_08d3,
        0x1319_8a2e_0370_7344,
        0xa409_3822_299f_31d0,
        0x082e_fa98_ec4e_6c89,
    )
    .build_hasher()
}

/// The fingerprint of any hashable value.
pub(crate) fn of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = hasher();
    value.hash(&mut hasher);
    hasher.finish()
}

/// The fingerprint of a view as templates would see it: its serialised form.
pub(crate) fn of_view<T: Serialize + ?Sized>(value: &T) -> u64 {
    let mut writer = HashWriter(hasher());
    // Writing to a hasher cannot fail, and views always serialise.
    let _ = serde_json::to_writer(&mut writer, value);
    writer.0.finish()
}

struct HashWriter(ahash::AHasher);

impl io::Write for HashWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.write(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_views_have_equal_fingerprints() {
        #[derive(Serialize)]
        struct View<'a> {
            title: &'a str,
        }
        assert_eq!(of_view(&View { title: "a" }), of_view(&View { title: "a" }));
        assert_ne!(of_view(&View { title: "a" }), of_view(&View { title: "b" }));
    }
}
