//! The names the site's templates read, so that a page's context is given
//! only the fields of its view that some template names.
//!
//! A page's view is made for every template a site might put in place of
//! a built-in one, and written into the page's context field by field. A
//! field no template reads costs its serialisation and nothing else: since
//! the index, tag and author pages print the items made once for their
//! briefings (see [`super::fragments`]), no built-in template reads their
//! `briefings`, each briefing's summary with its tally, written into every
//! one of those pages all the same.
//!
//! The names are gathered from every template, built-in and overridden,
//! rather than by following which page uses which: a name that any
//! template reads is given to every page whose view has it. Every
//! identifier in a variable's path counts (`a.b[c]` reads `a`, `b` and
//! `c`), which can only keep more. A template that prints the whole
//! context (`__tera_context`) reads everything.

use rustc_hash::FxHashSet;
use tera::ast::{Expr, ExprVal, FunctionCall, Node};
use tera::Tera;

/// What the templates read.
#[derive(Debug)]
pub(super) struct Reads {
    /// Every name a template reads; `None` when one reads the whole
    /// context.
    names: Option<FxHashSet<String>>,
}

/// The variable that holds the whole context, which Tera gives a template
/// that names it.
const WHOLE_CONTEXT: &str = "__tera_context";

impl Reads {
    /// The names every template of `tera` reads.
    pub(super) fn of(tera: &Tera) -> Reads {
        let mut names = Names::default();
        for template in tera.templates.values() {
            names.nodes(&template.ast);
            for block in template.blocks.values() {
                names.nodes(&block.body);
            }
            for definition in template.macros.values() {
                names.nodes(&definition.body);
                for default in definition.args.values().flatten() {
                    names.expr(default);
                }
            }
        }
        let names = names.0;
        Reads {
            names: (!names.contains(WHOLE_CONTEXT)).then_some(names),
        }
    }

    /// Whether some template reads `name`.
    pub(super) fn reads(&self, name: &str) -> bool {
        self.names.as_ref().is_none_or(|names| names.contains(name))
    }
}

#[derive(Default)]
struct Names(FxHashSet<String>);

impl Names {
    fn nodes(&mut self, nodes: &[Node]) {
        for node in nodes {
            self.node(node);
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::VariableBlock(_, expr) => self.expr(expr),
            Node::MacroDefinition(_, definition, _) => {
                self.nodes(&definition.body);
                for default in definition.args.values().flatten() {
                    self.expr(default);
                }
            }
            Node::Set(_, set) => self.expr(&set.value),
            Node::FilterSection(_, section, _) => {
                self.call(&section.filter);
                self.nodes(&section.body);
            }
            Node::Block(_, block, _) => self.nodes(&block.body),
            Node::Forloop(_, forloop, _) => {
                self.expr(&forloop.container);
                self.nodes(&forloop.body);
                if let Some(empty) = &forloop.empty_body {
                    self.nodes(empty);
                }
            }
            Node::If(branches, _) => {
                for (_, condition, body) in &branches.conditions {
                    self.expr(condition);
                    self.nodes(body);
                }
                if let Some((_, body)) = &branches.otherwise {
                    self.nodes(body);
                }
            }
            // Included templates are among the templates read; the rest
            // name no variable.
            Node::Super
            | Node::Text(_)
            | Node::Extends(..)
            | Node::Include(..)
            | Node::ImportMacro(..)
            | Node::Raw(..)
            | Node::Break(_)
            | Node::Continue(_)
            | Node::Comment(..) => {}
        }
    }

    fn expr(&mut self, expr: &Expr) {
        self.value(&expr.val);
        for filter in &expr.filters {
            self.call(filter);
        }
    }

    fn call(&mut self, call: &FunctionCall) {
        for arg in call.args.values() {
            self.expr(arg);
        }
    }

    fn value(&mut self, value: &ExprVal) {
        match value {
            ExprVal::Ident(path) => self.path(path),
            ExprVal::Math(math) => {
                self.expr(&math.lhs);
                self.expr(&math.rhs);
            }
            ExprVal::Logic(logic) => {
                self.expr(&logic.lhs);
                self.expr(&logic.rhs);
            }
            ExprVal::Test(test) => {
                self.path(&test.ident);
                for arg in &test.args {
                    self.expr(arg);
                }
            }
            ExprVal::MacroCall(call) => {
                for arg in call.args.values() {
                    self.expr(arg);
                }
            }
            ExprVal::FunctionCall(call) => self.call(call),
            ExprVal::Array(items) => {
                for item in items {
                    self.expr(item);
                }
            }
            ExprVal::StringConcat(concat) => {
                for value in &concat.values {
                    self.value(value);
                }
            }
            ExprVal::In(within) => {
                self.expr(&within.lhs);
                self.expr(&within.rhs);
            }
            ExprVal::String(_) | ExprVal::Int(_) | ExprVal::Float(_) | ExprVal::Bool(_) => {}
        }
    }

    /// Every identifier in a variable's path: its root, the fields after
    /// it and any variable written in its brackets.
    fn path(&mut self, path: &str) {
        for name in path.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if !name.is_empty() && !self.0.contains(name) {
                self.0.insert(name.to_owned());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(templates: &[(&str, &str)]) -> Reads {
        let mut tera = Tera::default();
        tera.add_raw_templates(templates.iter().copied()).unwrap();
        Reads::of(&tera)
    }

    #[test]
    fn a_name_read_anywhere_in_any_template_is_read() {
        let reads = reads(&[
            (
                "macros.html",
                "{% macro m(x, y=1) %}{{ x }}{{ in_macro }}{% endmacro m %}",
            ),
            (
                "page.html",
                "{% import \"macros.html\" as m %}{{ printed.field | default(value=in_filter) }}\
                 {% if tested is defined and not negated or other %}{% endif %}\
                 {% for a in listed %}{{ a }}{% else %}{{ in_empty }}{% endfor %}\
                 {% set s = set_from ~ joined %}{{ m::m(x=macro_arg) }}\
                 {{ t(key=function_arg) }}{{ items[index] }}{% if needle in haystack %}{% endif %}\
                 {% filter upper %}{{ in_section }}{% endfilter %}",
            ),
        ]);
        for name in [
            "x",
            "in_macro",
            "printed",
            "field",
            "in_filter",
            "tested",
            "negated",
            "other",
            "listed",
            "in_empty",
            "set_from",
            "joined",
            "macro_arg",
            "function_arg",
            "items",
            "index",
            "needle",
            "haystack",
            "in_section",
        ] {
            assert!(reads.reads(name), "`{name}` is read");
        }
        for name in ["unread", "briefings", "m", "upper"] {
            assert!(!reads.reads(name), "`{name}` is not read");
        }
    }

    #[test]
    fn a_template_that_prints_the_whole_context_reads_everything() {
        let reads = reads(&[("page.html", "{{ __tera_context }}")]);
        assert!(reads.reads("briefings") && reads.reads("anything"));
    }
}
