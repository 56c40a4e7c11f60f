//! `brief` turns a folder of fact-checked briefings into a linked HTML site.
//!
//! The stages below run in order; each has its own module, so the file list
//! of `src/` reads as the data flow:
//! load -> parse -> resolve -> validate -> render -> write.

pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod fingerprint;
pub mod load;
pub mod model;
pub mod parse;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod theme;
pub mod validate;
pub mod write;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use config::Options;
use diagnostic::Diagnostic;
use resolve::Site;

/// A site that passed every check, with its pages rendered.
pub struct Built {
    pub site: Site,
    pub pages: Vec<render::OutputFile>,
    pub copies: Vec<write::CopiedFile>,
    /// Warnings: the build went ahead despite them.
    pub diagnostics: Vec<Diagnostic>,
}

/// What a finished build did, for the summary line.
#[derive(Debug)]
pub struct Report {
    pub files: usize,
    pub pages: usize,
    pub briefings: usize,
    pub claims: usize,
    pub elapsed: Duration,
    pub warnings: Vec<Diagnostic>,
}

/// Why a build stopped.
#[derive(Debug)]
pub enum Failure {
    /// Problems in the content: every one found, sorted.
    Content(Vec<Diagnostic>),
    /// The output could not be written.
    Write(write::WriteError),
}

/// Runs every stage up to rendering, writing nothing. `brief check` stops
/// here; `brief build` goes on to [`build`].
pub fn compile(options: &Options) -> Result<Built, Vec<Diagnostic>> {
    let root = &options.root;
    let (files, mut diagnostics) = load::load(root);
    let (config, config_diagnostics) = config::load(files.config.as_ref(), options);
    diagnostics.extend(config_diagnostics);
    let highlight_css = parse::highlight::stylesheet(&config.highlight_theme);
    if highlight_css.is_none() {
        let spans = parse::yaml::Spans::new(
            files
                .config
                .as_ref()
                .map(|f| f.text.clone())
                .unwrap_or_default(),
            Default::default(),
        );
        diagnostics.push(
            Diagnostic::error(
                "site.yaml",
                spans.locate("highlight_theme"),
                format!("unknown highlight_theme `{}`", config.highlight_theme),
            )
            .with_field("highlight_theme")
            .with_hint(format!(
                "use one of: {}",
                parse::highlight::theme_names().join(", ")
            )),
        );
    }

    let (site_speakers, d) = files
        .speakers
        .as_ref()
        .map(parse::site_speakers)
        .unwrap_or_default();
    diagnostics.extend(d);
    let (site_sources, d) = files
        .sources
        .as_ref()
        .map(parse::site_sources)
        .unwrap_or_default();
    diagnostics.extend(d);

    let parsed: Vec<_> = files
        .briefings
        .par_iter()
        .map(|f| parse::briefing(f, &config))
        .collect();
    let mut briefings = Vec::with_capacity(parsed.len());
    for (briefing, d) in parsed {
        diagnostics.extend(d);
        briefings.extend(
            briefing
                .filter(|b| options.drafts || !b.draft)
                .map(Arc::new),
        );
    }
    let mut pages = Vec::new();
    for file in &files.pages {
        let (page, d) = parse::page(file, &config);
        diagnostics.extend(d);
        pages.extend(page.filter(|p| options.drafts || !p.draft).map(Arc::new));
    }

    let site = resolve::resolve(config, briefings, pages, site_speakers, site_sources);
    diagnostics.extend(validate::validate(&site));

    let templates = render::templates(&files.templates);
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    let templates = match templates {
        Ok(t) => t,
        Err(d) => {
            diagnostics.extend(d);
            return Err(finish(diagnostics));
        }
    };
    if has_errors {
        return Err(finish(diagnostics));
    }
    let mut pages = match render::render(&site, &templates) {
        Ok(pages) => pages,
        Err(d) => {
            diagnostics.extend(d);
            return Err(finish(diagnostics));
        }
    };
    if let Some(css) = highlight_css {
        pages.push((PathBuf::from("highlight.css"), css.into_bytes()));
    }
    let mut copies = Vec::new();
    for (path, bytes) in theme::STATIC {
        if !files
            .static_files
            .iter()
            .any(|(rel, _)| rel == std::path::Path::new(path))
        {
            pages.push((PathBuf::from(path), bytes.to_vec()));
        }
    }
    for (rel, abs) in files.static_files {
        copies.push(write::CopiedFile { from: abs, to: rel });
    }
    Ok(Built {
        site,
        pages,
        copies,
        diagnostics: finish(diagnostics),
    })
}

fn finish(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostic::sort(&mut diagnostics);
    diagnostics
}

/// Builds the site and writes it to the output folder.
pub fn build(options: &Options) -> Result<Report, Failure> {
    let start = Instant::now();
    let output = options.output_dir();
    write::check_output(&options.root, &output).map_err(Failure::Write)?;
    let built = compile(options).map_err(Failure::Content)?;
    let files = write::write(&output, &built.pages, &built.copies).map_err(Failure::Write)?;
    Ok(Report {
        files,
        pages: built
            .pages
            .iter()
            .filter(|(p, _)| p.extension().is_some_and(|e| e == "html"))
            .count(),
        briefings: built.site.briefings.len(),
        claims: built.site.briefings.iter().map(|b| b.claims.len()).sum(),
        elapsed: start.elapsed(),
        warnings: built.diagnostics,
    })
}
