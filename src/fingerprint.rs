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

/// The fingerprint of an output file's bytes. [`FileHasher`] gives the
/// same for the same bytes written in pieces, so a file streamed to disk
/// and one written whole compare alike.
pub(crate) fn of_file(bytes: &[u8]) -> u64 {
    // As FileHasher feeds them, without copying the last piece.
    let mut hasher = hasher();
    let whole = bytes.len() - bytes.len() % FILE_BLOCK;
    for block in bytes[..whole].chunks(FILE_BLOCK) {
        hasher.write(block);
    }
    hasher.write(&bytes[whole..]);
    hasher.write_u64(bytes.len() as u64);
    hasher.finish()
}

/// The fingerprint of a file's bytes fed in pieces of any size: the hasher
/// is fed fixed blocks, since what it gives for one slice differs from
/// what it gives for the same bytes cut in two.
pub(crate) struct FileHasher {
    hasher: ahash::AHasher,
    block: Vec<u8>,
    len: u64,
}

const FILE_BLOCK: usize = 64 * 1024;

impl Default for FileHasher {
    fn default() -> Self {
        FileHasher {
            hasher: hasher(),
            block: Vec::new(),
            len: 0,
        }
    }
}

impl FileHasher {
    pub(crate) fn update(&mut self, mut bytes: &[u8]) {
        self.len += bytes.len() as u64;
        while !bytes.is_empty() {
            // Whole blocks straight from the input, unbuffered.
            if self.block.is_empty() && bytes.len() >= FILE_BLOCK {
                let (block, rest) = bytes.split_at(FILE_BLOCK);
                self.hasher.write(block);
                bytes = rest;
                continue;
            }
            let take = (FILE_BLOCK - self.block.len()).min(bytes.len());
            self.block.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if self.block.len() == FILE_BLOCK {
                self.hasher.write(&self.block);
                self.block.clear();
            }
        }
    }

    pub(crate) fn finish(mut self) -> u64 {
        self.hasher.write(&self.block);
        self.hasher.write_u64(self.len);
        self.hasher.finish()
    }
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
    fn a_file_fingerprint_is_the_same_whole_or_in_pieces() {
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let whole = of_file(&bytes);
        for piece in [1, 7, 4096, FILE_BLOCK - 1, FILE_BLOCK, FILE_BLOCK + 3] {
            let mut hasher = FileHasher::default();
            for chunk in bytes.chunks(piece) {
                hasher.update(chunk);
            }
            assert_eq!(hasher.finish(), whole, "in pieces of {piece}");
        }
        assert_ne!(of_file(&bytes[1..]), whole);
        assert_ne!(of_file(b""), of_file(b"\0"));
    }

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
