//! The compiled templates and the site's language, made again only when a
//! template, a translation or the language changed.

use std::sync::Arc;

use super::keys;
use crate::diagnostic::Diagnostic;
use crate::fingerprint;
use crate::i18n::Language;
use crate::load::{SiteFiles, SourceFile};
use crate::render::{self, Templates};

#[derive(Default)]
pub(super) struct TemplateCache(Option<(u64, Arc<Templates>)>);

impl TemplateCache {
    pub(super) fn get(
        &mut self,
        overrides: &[(String, SourceFile)],
        language: &Arc<Language>,
    ) -> Result<Arc<Templates>, Vec<Diagnostic>> {
        let key = fingerprint::of(&(keys::templates(overrides), language.fingerprint));
        if let Some((cached, templates)) = &self.0 {
            if *cached == key {
                return Ok(templates.clone());
            }
        }
        let templates = Arc::new(render::templates(overrides, language.clone())?);
        self.0 = Some((key, templates.clone()));
        Ok(templates)
    }
}

/// The site's language, read again when its tag or a translation changed.
#[derive(Default)]
pub(super) struct TranslationCache(Option<(u64, Arc<Language>, Vec<Diagnostic>)>);

impl TranslationCache {
    pub(super) fn get(&mut self, tag: &str, files: &SiteFiles) -> (Arc<Language>, Vec<Diagnostic>) {
        let own = files
            .translations
            .iter()
            .find(|(t, _)| t == tag)
            .map(|(_, f)| f);
        // site.yaml is in the key for the warning that points at its
        // `language:` line.
        let config_hash = files.config.as_ref().map(|f| f.hash);
        let key = fingerprint::of(&(tag, own.map(|f| f.hash), config_hash));
        if let Some((cached, language, diagnostics)) = &self.0 {
            if *cached == key {
                return (language.clone(), diagnostics.clone());
            }
        }
        let (language, diagnostics) = Language::load(tag, own, files.config.as_ref());
        let language = Arc::new(language);
        self.0 = Some((key, language.clone(), diagnostics.clone()));
        (language, diagnostics)
    }
}
