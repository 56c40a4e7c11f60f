//! The time, CPU and memory each stage of a build took, for `BRIEF_TIMINGS`.

use std::time::{Duration, Instant};

/// One stage of a build, for `BRIEF_TIMINGS`.
#[derive(Debug, Clone)]
pub struct Stage {
    pub name: &'static str,
    pub took: Duration,
    /// CPU time the whole process spent in the stage, on every thread, user
    /// and system together, where the system says (Linux): against `took`,
    /// it tells a stage that keeps both cores busy from one that leaves one
    /// idle.
    pub cpu: Option<Duration>,
    /// Resident memory at the stage's end, and the most the process has
    /// held so far, in bytes, where the system says (Linux).
    pub resident: Option<u64>,
    pub peak: Option<u64>,
}

/// Time taken by each stage of a build.
#[derive(Debug, Default)]
pub(super) struct Stopwatch {
    last: Option<Instant>,
    /// The process's CPU time when the last stage ended.
    last_cpu: Option<Duration>,
    pub(super) stages: Vec<Stage>,
}

impl Stopwatch {
    pub(super) fn start() -> Stopwatch {
        Stopwatch {
            last: Some(Instant::now()),
            last_cpu: cpu_time(),
            stages: Vec::new(),
        }
    }

    /// Ends the stage called `name` and starts the next.
    pub(super) fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        let cpu = cpu_time();
        if let Some(last) = self.last {
            self.stages.push(Stage {
                name,
                took: now - last,
                cpu: cpu
                    .zip(self.last_cpu)
                    .map(|(now, then)| now.saturating_sub(then)),
                resident: memory("VmRSS:"),
                peak: memory("VmHWM:"),
            });
        }
        self.last = Some(now);
        self.last_cpu = cpu;
    }
}

/// The CPU time the process has used so far, on all its threads, user and
/// system together.
fn cpu_time() -> Option<Duration> {
    cpu_time_in("/proc/self/stat")
}

/// The CPU time, user and system together, that a `stat` file of `/proc`
/// gives (a process's or a thread's): its fields 14 and 15, in clock ticks
/// (a hundredth of a second on Linux, whatever the kernel's own rate).
fn cpu_time_in(stat: &str) -> Option<Duration> {
    const TICKS_PER_SECOND: u64 = 100;
    let stat = std::fs::read_to_string(stat).ok()?;
    // The command name, field 2, is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis(
        (user + system) * 1000 / TICKS_PER_SECOND,
    ))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_os = "linux")]
    fn a_stage_counts_the_cpu_of_every_thread() {
        // This thread's own CPU time, as `cpu_time` reads the process's.
        let own =
            || cpu_time_in("/proc/thread-self/stat").expect("Linux gives a thread's CPU time");
        // Each of two threads works until it has used 300 ms of CPU itself,
        // however busy the machine is, while this one waits.
        let work = || {
            let mut n = 0u64;
            while own() < Duration::from_millis(300) {
                for _ in 0..100_000 {
                    n = std::hint::black_box(n.wrapping_add(1));
                }
            }
        };
        let mut stopwatch = Stopwatch::start();
        std::thread::scope(|scope| {
            scope.spawn(work);
            scope.spawn(work);
        });
        stopwatch.lap("work");
        let stage = &stopwatch.stages[0];
        let cpu = stage.cpu.expect("Linux gives the process's CPU time");
        assert!(cpu >= Duration::from_millis(580), "{cpu:?} of CPU");
        assert!(
            cpu <= stage.took * 2 + Duration::from_millis(50),
            "{cpu:?} in {:?}",
            stage.took
        );
    }
}
