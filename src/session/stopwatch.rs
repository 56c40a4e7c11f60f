//! The time and memory each stage of a build took, for `BRIEF_TIMINGS`.

use std::time::{Duration, Instant};

/// One stage of a build, for `BRIEF_TIMINGS`.
#[derive(Debug, Clone)]
pub struct Stage {
    pub name: &'static str,
    pub took: Duration,
    /// Resident memory at the stage's end, and the most the process has
    /// held so far, in bytes, where the system says (Linux).
    pub resident: Option<u64>,
    pub peak: Option<u64>,
}

/// Time taken by each stage of a build.
#[derive(Debug, Default)]
pub(super) struct Stopwatch {
    last: Option<Instant>,
    pub(super) stages: Vec<Stage>,
}

impl Stopwatch {
    pub(super) fn start() -> Stopwatch {
        Stopwatch {
            last: Some(Instant::now()),
            stages: Vec::new(),
        }
    }

    /// Ends the stage called `name` and starts the next.
    pub(super) fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        if let Some(last) = self.last {
            self.stages.push(Stage {
                name,
                took: now - last,
                resident: memory("VmRSS:"),
                peak: memory("VmHWM:"),
            });
        }
        self.last = Some(now);
    }
}

/// A figure of the process's memory from `/proc/self/status` (`VmRSS:`,
/// resident now; `VmHWM:`, the most resident so far), which gives it in
/// kilobytes whatever the page size.
fn memory(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}
