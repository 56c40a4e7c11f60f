//! What servers said about each address, kept in the site's
//! `.brief-cache/links.json` so a repeat run of `--links` asks again only
//! about addresses it has no recent answer for.
//!
//! The file is a convenience, never a source of truth: one that cannot be
//! read is reported and ignored (every link is checked again and the file
//! written anew), and it is written through a temporary file renamed into
//! place, so a run killed half-way leaves the old file or the new one,
//! never half of one. The folder carries its own `.gitignore`, so it stays
//! out of a site's repository without anyone listing it.
//!
//! Alive answers (and redirects that end alive) are reused for `--max-age`;
//! dead and unverifiable ones only for [`SHORT_LIFE`], since they are the
//! ones a desk fixes and checks again, or a server's passing mood.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::Outcome;

/// The folder, under the site root, holding the cache.
pub(crate) const DIR: &str = ".brief-cache";
/// The cache file's name in [`DIR`].
pub(crate) const FILE: &str = "links.json";
/// Bumped when the file's shape or meaning changes; a file of another
/// version is ignored and rewritten.
const VERSION: u32 = 2;
/// Version 1 judged every 4xx and 5xx dead and did not follow redirects:
/// of its answers only the alive ones still hold, and they are kept.
const VERSION_1: u32 = 1;
/// How long a dead or unverifiable answer is reused (never longer than
/// `--max-age`).
pub(crate) const SHORT_LIFE: Duration = Duration::from_secs(60 * 60);

/// The cache file's path under a site root.
pub(crate) fn path(root: &Path) -> PathBuf {
    root.join(DIR).join(FILE)
}

/// The current time.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now()
}

/// One address's answer and when it was given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Entry {
    /// When the answer was given, as RFC 3339 (`2024-11-02T09:30:00Z`).
    pub checked: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    links: BTreeMap<String, Entry>,
}

/// The answers on record, by address.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    links: BTreeMap<String, Entry>,
}

impl Cache {
    /// Reads the cache of the site at `root`. A missing file is an empty
    /// cache; a file that cannot be read or understood is an `Err` with a
    /// warning to show (the caller goes on with an empty cache).
    pub(crate) fn load(root: &Path) -> Result<Cache, String> {
        let path = path(root);
        let shown = Path::new(DIR).join(FILE);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Cache::default()),
            Err(err) => {
                return Err(format!(
                    "cannot read the link cache {} ({err}); checking every link again",
                    shown.display()
                ))
            }
        };
        let unusable = |why: String| {
            format!(
                "the link cache {} is unusable ({why}) and is ignored; every link is checked again and the file rewritten",
                shown.display()
            )
        };
        let file: CacheFile =
            serde_json::from_slice(&bytes).map_err(|e| unusable(e.to_string()))?;
        let mut links = file.links;
        match file.version {
            VERSION => {}
            VERSION_1 => links.retain(|_, entry| matches!(entry.outcome, Outcome::Alive { .. })),
            other => return Err(unusable(format!("version {other}, expected {VERSION}"))),
        }
        Ok(Cache { links })
    }

    /// The answer for `url` if it is young enough: given less than
    /// `max_age` before `now`, or [`SHORT_LIFE`] for a dead or unverifiable
    /// one.
    pub(crate) fn fresh(
        &self,
        url: &str,
        max_age: Duration,
        now: DateTime<Utc>,
    ) -> Option<&Outcome> {
        let entry = self.links.get(url)?;
        is_fresh(entry, max_age, now).then_some(&entry.outcome)
    }

    pub(crate) fn insert(&mut self, url: String, outcome: Outcome, now: DateTime<Utc>) {
        let checked = now.to_rfc3339_opts(SecondsFormat::Secs, true);
        self.links.insert(url, Entry { checked, outcome });
    }

    /// Drops answers too old to be used again, so the file does not grow
    /// with every address a site ever had.
    pub(crate) fn forget_older_than(&mut self, max_age: Duration, now: DateTime<Utc>) {
        self.links.retain(|_, entry| is_fresh(entry, max_age, now));
    }

    /// Writes the cache under `root`, atomically. An `Err` is a warning to
    /// show: the check itself is not affected.
    pub(crate) fn save(&self, root: &Path) -> Result<(), String> {
        let dir = root.join(DIR);
        let failed = |err: &dyn std::fmt::Display| {
            format!(
                "cannot write the link cache {} ({err}); the next run will check every link again",
                Path::new(DIR).join(FILE).display()
            )
        };
        std::fs::create_dir_all(&dir).map_err(|e| failed(&e))?;
        let ignore = dir.join(".gitignore");
        if !ignore.exists() {
            // Best effort: the cache works without it.
            let _ = std::fs::write(
                &ignore,
                "# Written by `brief check --links`; safe to delete.\n*\n",
            );
        }
        let file = CacheFile {
            version: VERSION,
            links: self.links.clone(),
        };
        let mut json = serde_json::to_vec_pretty(&file).map_err(|e| failed(&e))?;
        json.push(b'\n');
        let mut builder = tempfile::Builder::new();
        builder.prefix(".links.json.").suffix(".tmp");
        // Readable like any file the user writes, not private as temporary
        // files are made.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        let mut temporary = builder.tempfile_in(&dir).map_err(|e| failed(&e))?;
        temporary.write_all(&json).map_err(|e| failed(&e))?;
        temporary.as_file().sync_all().map_err(|e| failed(&e))?;
        temporary
            .persist(dir.join(FILE))
            .map_err(|e| failed(&e.error))?;
        Ok(())
    }
}

fn is_fresh(entry: &Entry, max_age: Duration, now: DateTime<Utc>) -> bool {
    let max_age = match entry.outcome {
        Outcome::Dead { .. } | Outcome::Unverifiable { .. } => max_age.min(SHORT_LIFE),
        Outcome::Alive { .. } | Outcome::Redirect { .. } => max_age,
    };
    let Ok(checked) = DateTime::parse_from_rfc3339(&entry.checked) else {
        return false;
    };
    // An answer from the future (a clock set back) is not trusted.
    match (now - checked.with_timezone(&Utc)).to_std() {
        Ok(age) => age < max_age,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Duration = Duration::from_secs(24 * 60 * 60);

    fn alive() -> Outcome {
        Outcome::Alive { status: 200 }
    }

    #[test]
    fn saved_answers_are_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let now = now();
        let mut cache = Cache::default();
        cache.insert("https://a.org/".into(), alive(), now);
        cache.insert(
            "https://b.org/".into(),
            Outcome::Redirect {
                status: 301,
                location: "https://c.org/".into(),
            },
            now,
        );
        cache.save(dir.path()).unwrap();
        let read = Cache::load(dir.path()).unwrap();
        assert_eq!(read.fresh("https://a.org/", DAY, now), Some(&alive()));
        assert!(matches!(
            read.fresh("https://b.org/", DAY, now),
            Some(Outcome::Redirect { status: 301, .. })
        ));
        assert!(dir.path().join(DIR).join(".gitignore").is_file());
    }

    #[test]
    fn old_answers_are_not_fresh() {
        let now = now();
        let mut cache = Cache::default();
        cache.insert(
            "https://a.org/".into(),
            alive(),
            now - chrono::Duration::hours(25),
        );
        assert_eq!(cache.fresh("https://a.org/", DAY, now), None);
        cache.forget_older_than(DAY, now);
        assert!(cache.links.is_empty());
    }

    #[test]
    fn answers_from_the_future_are_not_fresh() {
        let now = now();
        let mut cache = Cache::default();
        cache.insert(
            "https://a.org/".into(),
            alive(),
            now + chrono::Duration::hours(1),
        );
        assert_eq!(cache.fresh("https://a.org/", DAY, now), None);
    }

    #[test]
    fn dead_and_unverifiable_answers_live_an_hour() {
        let now = now();
        let mut cache = Cache::default();
        let dead = Outcome::Dead {
            status: Some(404),
            reason: "404 Not Found".into(),
        };
        let unverifiable = Outcome::Unverifiable {
            status: Some(403),
            reason: "403 Forbidden".into(),
        };
        let then = now - chrono::Duration::minutes(61);
        cache.insert("https://a.org/".into(), alive(), then);
        cache.insert("https://b.org/".into(), dead.clone(), then);
        cache.insert("https://c.org/".into(), unverifiable, then);
        cache.insert("https://d.org/".into(), dead.clone(), now);
        assert_eq!(cache.fresh("https://a.org/", DAY, now), Some(&alive()));
        assert_eq!(cache.fresh("https://b.org/", DAY, now), None);
        assert_eq!(cache.fresh("https://c.org/", DAY, now), None);
        assert_eq!(cache.fresh("https://d.org/", DAY, now), Some(&dead));
        cache.forget_older_than(DAY, now);
        assert_eq!(cache.links.len(), 2);
    }

    #[test]
    fn a_version_1_file_keeps_only_its_alive_answers() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(DIR)).unwrap();
        let checked = now().to_rfc3339_opts(SecondsFormat::Secs, true);
        std::fs::write(
            path(dir.path()),
            format!(
                r#"{{"version": 1, "links": {{
                  "https://a.org/": {{"checked": "{checked}", "result": "alive", "status": 200}},
                  "https://b.org/": {{"checked": "{checked}", "result": "dead", "status": 403, "reason": "403 Forbidden"}},
                  "https://c.org/": {{"checked": "{checked}", "result": "redirect", "status": 301, "location": "https://c.org/x"}}
                }}}}"#
            ),
        )
        .unwrap();
        let cache = Cache::load(dir.path()).unwrap();
        assert_eq!(cache.links.keys().collect::<Vec<_>>(), ["https://a.org/"]);
    }

    #[test]
    fn a_missing_file_is_an_empty_cache() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Cache::load(dir.path()).unwrap().links.is_empty());
    }

    #[test]
    fn a_corrupt_or_foreign_file_is_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(DIR)).unwrap();
        for text in [
            "{\"version\": 1, \"links\": {",
            "[]",
            "{\"version\": 99, \"links\": {}}",
        ] {
            std::fs::write(path(dir.path()), text).unwrap();
            let warning = Cache::load(dir.path()).unwrap_err();
            assert!(warning.contains(".brief-cache/links.json"), "{warning}");
        }
    }
}
