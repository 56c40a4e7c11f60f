//! The `brief` binary: everything lives in the library; this only runs it.

// See the `mimalloc` feature in Cargo.toml for why.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: Mimalloc = Mimalloc;

/// mimalloc, asked for a plain block whenever the alignment wanted is one
/// every block of that size has anyway, as the standard library's own
/// allocator asks `malloc`: the aligned entry points check and round on
/// each of the millions of calls a build makes, some 1% of its
/// instructions.
#[cfg(feature = "mimalloc")]
struct Mimalloc;

#[cfg(feature = "mimalloc")]
mod mimalloc {
    use std::alloc::{GlobalAlloc, Layout};
    use std::ffi::c_void;

    use libmimalloc_sys as mi;

    /// mimalloc aligns every block of more than a word to two words (16
    /// bytes on 64-bit targets) and a block of a word or less to its size.
    const PLAIN: usize = 2 * std::mem::size_of::<usize>();

    /// A block of `size` bytes aligned to `align`, from `plain` when every
    /// block of that size is aligned so anyway, from `aligned` otherwise.
    /// The debug binary, which the integration tests run, checks the block
    /// against `align` and aborts (a panic would allocate) on a misaligned
    /// one.
    fn block(
        size: usize,
        align: usize,
        plain: impl FnOnce(usize) -> *mut c_void,
        aligned: impl FnOnce(usize, usize) -> *mut c_void,
    ) -> *mut u8 {
        let ptr = if align <= PLAIN && align <= size {
            plain(size)
        } else {
            aligned(size, align)
        };
        if cfg!(debug_assertions) && !ptr.is_null() && ptr as usize % align != 0 {
            std::process::abort();
        }
        ptr as *mut u8
    }

    // SAFETY: each call hands mimalloc's own functions what the caller
    // passed, and a block from any of them may be freed or resized by any
    // other.
    unsafe impl GlobalAlloc for super::Mimalloc {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            block(
                layout.size(),
                layout.align(),
                |size| unsafe { mi::mi_malloc(size) },
                |size, align| unsafe { mi::mi_malloc_aligned(size, align) },
            )
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            block(
                layout.size(),
                layout.align(),
                |size| unsafe { mi::mi_zalloc(size) },
                |size, align| unsafe { mi::mi_zalloc_aligned(size, align) },
            )
        }

        unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
            unsafe { mi::mi_free(ptr as *mut c_void) }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            let ptr = ptr as *mut c_void;
            block(
                new_size,
                layout.align(),
                |size| unsafe { mi::mi_realloc(ptr, size) },
                |size, align| unsafe { mi::mi_realloc_aligned(ptr, size, align) },
            )
        }
    }
}

fn main() -> std::process::ExitCode {
    brief::cmd::run()
}
