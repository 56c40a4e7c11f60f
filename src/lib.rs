//! `brief` turns a folder of fact-checked briefings into a linked HTML site.
//!
//! The stages run in order, each in its own module, so the file list of
//! `src/` reads as the data flow:
//! load -> parse -> resolve -> validate -> render -> write.
//! [`session`] runs them, keeping what it can between builds for `serve` and
//! `watch`, which live in [`serve`]. [`links`] runs after a clean check, for
//! `brief check --links`.

pub mod cmd;
pub mod config;
pub mod diagnostic;
pub(crate) mod evidence;
pub(crate) mod fingerprint;
pub mod i18n;
pub(crate) mod links;
pub mod load;
pub(crate) mod media;
pub(crate) mod model;
pub mod parse;
pub mod render;
pub(crate) mod resolve;
pub(crate) mod scaffold;
pub(crate) mod serve;
pub mod session;
pub(crate) mod stamp;
pub(crate) mod terminal;
pub mod theme;
pub(crate) mod translated;
pub(crate) mod validate;
pub(crate) mod write;

use config::Options;
use diagnostic::Diagnostic;
use resolve::Site;
pub use session::{Failure, Report, Session};

/// Whether a build is followed by rebuilds (`serve`, `watch`), which want
/// what it made kept, or stands alone (`brief build`), which lets go of what
/// would only speed up a rebuild as soon as it has served: at 10,000
/// briefings that is a few hundred megabytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BuildMode {
    /// Rebuilds follow: keep the texts, parses and caches.
    #[default]
    Kept,
    /// No rebuild follows.
    OneOff,
}

/// Checks the site without writing anything: `brief check`. Returns the
/// site and its warnings, or every problem found.
pub fn check(options: &Options) -> Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>> {
    Session::new(options.clone()).check()
}

/// Builds the site and writes it to the output folder: `brief build`.
pub fn build(options: &Options) -> Result<Report, Failure> {
    Session::new(options.clone()).build_once()
}

/// [`build`] in a process that exits when it returns, as the `brief build`
/// command does: what the build held is not freed (see
/// [`Session::build_before_exit`]). Anything else that builds, and goes
/// on, calls [`build`].
pub fn build_before_exit(options: &Options) -> Result<Report, Failure> {
    Session::new(options.clone()).build_before_exit()
}
