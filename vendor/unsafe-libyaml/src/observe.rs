//! Patched for brief (see PATCHED.md): lets the program see each event the
//! parser produces on its thread, with where it starts, while a caller
//! such as serde_yaml parses. A plain function is called, on the parsing
//! thread, for every event of every parse made inside [`observed`].

extern crate std;

use core::cell::Cell;

use crate::yaml::{yaml_event_t, yaml_event_type_t};

/// What kind of event was produced.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Kind {
    Scalar,
    Alias,
    SequenceStart,
    SequenceEnd,
    MappingStart,
    MappingEnd,
    /// Stream and document starts and ends.
    Other,
}

/// One event as produced: its kind, where it starts (line and column
/// counted from 0, the column in characters), and a scalar's value.
#[derive(Copy, Clone, Debug)]
pub struct Observed<'a> {
    pub kind: Kind,
    pub line: u64,
    pub column: u64,
    /// The value of a scalar, as the parser unescaped it; empty for the
    /// other kinds.
    pub value: &'a [u8],
}

std::thread_local! {
    static OBSERVER: Cell<Option<fn(&Observed<'_>)>> = const { Cell::new(None) };
}

/// Runs `f` with `observer` called for every event parsed on this thread
/// meanwhile, and the observer that was set before put back after (also
/// when `f` panics).
pub fn observed<R>(observer: fn(&Observed<'_>), f: impl FnOnce() -> R) -> R {
    struct Restore(Option<fn(&Observed<'_>)>);
    impl Drop for Restore {
        fn drop(&mut self) {
            OBSERVER.with(|cell| cell.set(self.0));
        }
    }
    let _restore = Restore(OBSERVER.with(|cell| cell.replace(Some(observer))));
    f()
}

/// Hands a produced event to the observer, if one is set.
pub(crate) unsafe fn notify(event: *const yaml_event_t) {
    let Some(observer) = OBSERVER.with(Cell::get) else {
        return;
    };
    let event = &*event;
    let kind = match event.type_ {
        yaml_event_type_t::YAML_SCALAR_EVENT => Kind::Scalar,
        yaml_event_type_t::YAML_ALIAS_EVENT => Kind::Alias,
        yaml_event_type_t::YAML_SEQUENCE_START_EVENT => Kind::SequenceStart,
        yaml_event_type_t::YAML_SEQUENCE_END_EVENT => Kind::SequenceEnd,
        yaml_event_type_t::YAML_MAPPING_START_EVENT => Kind::MappingStart,
        yaml_event_type_t::YAML_MAPPING_END_EVENT => Kind::MappingEnd,
        _ => Kind::Other,
    };
    let value: &[u8] = if kind == Kind::Scalar && !event.data.scalar.value.is_null() {
        core::slice::from_raw_parts(event.data.scalar.value, event.data.scalar.length as usize)
    } else {
        &[]
    };
    observer(&Observed {
        kind,
        line: event.start_mark.line,
        column: event.start_mark.column,
        value,
    });
}
