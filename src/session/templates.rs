//! The compiled templates, compiled again only when a template changed.

use std::sync::Arc;

use super::keys;
use crate::diagnostic::Diagnostic;
use crate::load::SiteFiles;
use crate::render::{self, Templates};

#[derive(Default)]
pub(super) struct TemplateCache(Option<(u64, Arc<Templates>)>);

impl TemplateCache {
    pub(super) fn get(&mut self, files: &SiteFiles) -> Result<Arc<Templates>, Vec<Diagnostic>> {
        let key = keys::templates(files);
        if let Some((cached, templates)) = &self.0 {
            if *cached == key {
                return Ok(templates.clone());
            }
        }
        let templates = Arc::new(render::templates(&files.templates)?);
        self.0 = Some((key, templates.clone()));
        Ok(templates)
    }
}
