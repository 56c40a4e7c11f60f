use crate::errors::{Error, ErrorKind, Result};
use crate::parser::ast::MacroDefinition;
use crate::template::Template;
use crate::tera::Tera;
use rustc_hash::FxHashMap as HashMap;

// Types around Macros get complicated, simplify it a bit by using aliases

/// Maps { macro => macro_definition }
pub type MacroDefinitionMap = HashMap<String, MacroDefinition>;
/// Maps { namespace => ( macro_template, { macro => macro_definition }) }
pub type MacroNamespaceMap<'a> = rustc_hash::FxHashMap<&'a str, (&'a str, &'a MacroDefinitionMap)>;
/// Maps { template => { namespace => ( macro_template, { macro => macro_definition }) }
pub type MacroTemplateMap<'a> = rustc_hash::FxHashMap<&'a str, MacroNamespaceMap<'a>>;

/// Collection of all macro templates by file
#[derive(Clone, Debug, Default)]
pub struct MacroCollection<'a> {
    macros: MacroTemplateMap<'a>,
    /// The templates whose imports are being gathered, outermost first
    /// (patched): one of them imported again is a circle.
    importing: Vec<&'a str>,
}

/// Maps { template => { namespace => macro_template } } (patched): which
/// template's macros each namespace of each template names, worked out
/// once for all of a `Tera`'s templates rather than for each render.
pub type MacroTable = HashMap<String, HashMap<String, String>>;

/// The [`MacroTable`] of every template of `tera`. A template importing a
/// file that is not there is left out; `Tera::check_macro_files` reports it.
///
/// Templates that import macros from each other in a circle are an error:
/// gathering their macros would never end.
pub fn macro_table(tera: &Tera) -> Result<MacroTable> {
    let mut collection = MacroCollection::default();
    // In order of name, so that which template a circle is reported from
    // does not depend on the order of a hash map.
    let mut templates: Vec<&Template> = tera.templates.values().collect();
    templates.sort_unstable_by(|a, b| a.name.cmp(&b.name));
    for template in templates {
        match collection.add_macros_from_template(tera, template) {
            Err(err) if matches!(err.kind, ErrorKind::TemplateNotFound(_)) => {
                collection.importing.clear();
            }
            Err(err) => return Err(err),
            Ok(()) => {}
        }
    }
    Ok(collection
        .macros
        .into_iter()
        .map(|(template, namespaces)| {
            let namespaces = namespaces
                .into_iter()
                .map(|(namespace, (macro_template, _))| {
                    (namespace.to_string(), macro_template.to_string())
                })
                .collect();
            (template.to_string(), namespaces)
        })
        .collect())
}

/// The macro `macro_namespace::macro_name` as called in `template_name`,
/// with the name of the template that defines it (patched: found in the
/// `Tera`'s [`MacroTable`]).
pub fn lookup_macro<'a>(
    tera: &'a Tera,
    template_name: &str,
    macro_namespace: &str,
    macro_name: &str,
) -> Result<(&'a str, &'a MacroDefinition)> {
    let namespace =
        tera.macro_table.get(template_name).and_then(|namespaces| namespaces.get(macro_namespace));
    if let Some(macro_template) = namespace {
        let definitions = &tera.get_template(macro_template)?.macros;
        if let Some(definition) = definitions.get(macro_name) {
            Ok((macro_template, definition))
        } else {
            Err(Error::msg(format!(
                "Macro `{}::{}` not found in template `{}`",
                macro_namespace, macro_name, template_name
            )))
        }
    } else {
        Err(Error::msg(format!(
            "Macro namespace `{}` was not found in template `{}`. Have you maybe forgotten to import it, or misspelled it?",
            macro_namespace, template_name
        )))
    }
}

impl<'a> MacroCollection<'a> {
    /// Add macros from parsed template to `MacroCollection`
    ///
    /// Macro templates can import other macro templates so the macro loading needs to
    /// happen recursively. We need all of the macros loaded in one go to be in the same
    /// HashMap for easy popping as well, otherwise there could be stray macro
    /// definitions remaining
    pub fn add_macros_from_template(
        &mut self,
        tera: &'a Tera,
        template: &'a Template,
    ) -> Result<()> {
        let template_name = &template.name[..];
        if self.macros.contains_key(template_name) {
            return Ok(());
        }

        if let Some(at) = self.importing.iter().position(|name| *name == template_name) {
            let mut circle = self.importing[at..].to_vec();
            circle.push(template_name);
            return Err(Error::msg(format!(
                "Templates import macros from each other in a circle: {}",
                circle.iter().map(|name| format!("'{}'", name)).collect::<Vec<_>>().join(" imports ")
            )));
        }
        self.importing.push(template_name);

        let mut macro_namespace_map = MacroNamespaceMap::default();

        if !template.macros.is_empty() {
            macro_namespace_map.insert("self", (template_name, &template.macros));
        }

        for (filename, namespace) in &template.imported_macro_files {
            let macro_tpl = tera.get_template(filename)?;
            macro_namespace_map.insert(namespace, (filename, &macro_tpl.macros));
            self.add_macros_from_template(tera, macro_tpl)?;

            // We need to load the macros loaded in our macros in our namespace as well, unless we override it
            for (namespace, m) in &self.macros[&macro_tpl.name.as_ref()].clone() {
                if macro_namespace_map.contains_key(namespace) {
                    continue;
                }
                // We inserted before so we're safe
                macro_namespace_map.insert(namespace, *m);
            }
        }

        self.importing.pop();
        self.macros.insert(template_name, macro_namespace_map);

        for parent in &template.parents {
            let parent = &parent[..];
            let parent_template = tera.get_template(parent)?;
            self.add_macros_from_template(tera, parent_template)?;

            // We need to load the parent macros in our namespace as well, unless we override it
            for (namespace, m) in &self.macros[parent].clone() {
                if self.macros[template_name].contains_key(namespace) {
                    continue;
                }
                // We inserted before so we're safe
                self.macros.get_mut(template_name).unwrap().insert(namespace, *m);
            }
        }

        Ok(())
    }
}

