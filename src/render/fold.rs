//! Interface strings written into the templates once, when they are
//! compiled, rather than looked up by every page that prints them.
//!
//! A template asks for an interface string with `t(key="…")`; a claim page
//! of the default theme makes some twenty such calls, and each one builds
//! a map of its arguments, looks the function up and copies the string
//! out, on every one of the site's pages. The site's language is fixed for
//! a compiled set of templates, so a call whose arguments are all written
//! out as text gives the same string on every page: here it is replaced
//! by that string, as if the template had it in quotes. Tera prints and
//! escapes a quoted string exactly as it does what a function returns,
//! so the pages are unchanged.
//!
//! Only calls where a quoted string and a call are evaluated alike are
//! replaced: what is printed (`{{ … }}`), set, or passed to a macro,
//! function or filter. A call used as a condition (Tera refuses a string
//! there), in arithmetic or joined with `~` (which escapes its result
//! only when a call is part of it) is left to run, and so is one the
//! language cannot answer, whose error the page then reports as before.

use std::collections::HashMap;

use tera::ast::{Expr, ExprVal, FunctionCall, Node};
use tera::{Template, Value};

/// Replaces each `t()` call of `template` that has only quoted arguments
/// with the string `translate` gives for them.
pub(super) fn fold_translations(
    template: &mut Template,
    translate: &impl Fn(&HashMap<String, Value>) -> tera::Result<Value>,
) {
    let fold = Fold { translate };
    fold.nodes(&mut template.ast);
    for block in template.blocks.values_mut() {
        fold.nodes(&mut block.body);
    }
    for definition in template.macros.values_mut() {
        fold.nodes(&mut definition.body);
    }
}

struct Fold<'t, F> {
    translate: &'t F,
}

impl<F: Fn(&HashMap<String, Value>) -> tera::Result<Value>> Fold<'_, F> {
    fn nodes(&self, nodes: &mut [Node]) {
        for node in nodes {
            match node {
                Node::VariableBlock(_, expr) => self.value(expr),
                Node::Set(_, set) => self.value(&mut set.value),
                Node::MacroDefinition(_, definition, _) => self.nodes(&mut definition.body),
                Node::FilterSection(_, section, _) => {
                    self.arguments(&mut section.filter);
                    self.nodes(&mut section.body);
                }
                Node::Block(_, block, _) => self.nodes(&mut block.body),
                Node::Forloop(_, forloop, _) => {
                    // Tera iterates over a name, a call or a list, and
                    // refuses a quoted string.
                    self.inside(&mut forloop.container);
                    self.nodes(&mut forloop.body);
                    if let Some(empty) = &mut forloop.empty_body {
                        self.nodes(empty);
                    }
                }
                Node::If(branches, _) => {
                    for (_, _, body) in &mut branches.conditions {
                        self.nodes(body);
                    }
                    if let Some((_, body)) = &mut branches.otherwise {
                        self.nodes(body);
                    }
                }
                _ => {}
            }
        }
    }

    /// An expression evaluated for its value: the call itself may be
    /// replaced, and so may those among its arguments and its filters'.
    fn value(&self, expr: &mut Expr) {
        self.inside(expr);
        if let ExprVal::FunctionCall(call) = &expr.val {
            if let Some(text) = self.folded(call) {
                expr.val = ExprVal::String(text);
            }
        }
    }

    /// The calls among an expression's arguments, items and filters'
    /// arguments, which are evaluated for their value, but not the
    /// expression itself.
    fn inside(&self, expr: &mut Expr) {
        for filter in &mut expr.filters {
            self.arguments(filter);
        }
        match &mut expr.val {
            ExprVal::FunctionCall(call) => self.arguments(call),
            ExprVal::MacroCall(call) => {
                for argument in call.args.values_mut() {
                    self.value(argument);
                }
            }
            ExprVal::Array(items) => {
                for item in items {
                    self.value(item);
                }
            }
            _ => {}
        }
    }

    fn arguments(&self, call: &mut FunctionCall) {
        for argument in call.args.values_mut() {
            self.value(argument);
        }
    }

    /// The string a `t()` call gives, if every argument is quoted text.
    fn folded(&self, call: &FunctionCall) -> Option<String> {
        if call.name != "t" {
            return None;
        }
        let mut args = HashMap::with_capacity(call.args.len());
        for (name, argument) in &call.args {
            match argument {
                Expr {
                    val: ExprVal::String(text),
                    negated: false,
                    filters,
                } if filters.is_empty() => {
                    args.insert(name.clone(), Value::String(text.clone()));
                }
                _ => return None,
            }
        }
        match (self.translate)(&args) {
            Ok(Value::String(text)) => Some(text),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tera::{Context, Tera};

    /// Interface strings with every character HTML escapes, and a
    /// placeholder.
    fn translate(args: &HashMap<String, Value>) -> tera::Result<Value> {
        let text = match args.get("key").and_then(Value::as_str) {
            Some("fish") => "Fish & \"chips\" <b>".to_owned(),
            Some("empty") => String::new(),
            Some("hello") => format!(
                "Hello, {}",
                args.get("name").and_then(Value::as_str).unwrap_or("?")
            ),
            _ => return Err(tera::Error::msg("no such string")),
        };
        Ok(Value::String(text))
    }

    const MACROS: &str = r#"{% macro label(text, after="-") %}[{{ text }}|{{ after }}|{{ t(key="fish") }}]{% endmacro label %}"#;

    /// Templates whose every `t()` call is folded: printed, filtered,
    /// negated, set, passed to a macro or to another call, as a default,
    /// in a list, in a filter section, in a branch, in a block.
    const FOLDED: &[&str] = &[
        r#"{{ t(key="fish") }}"#,
        r#"{{ t(key="fish") | upper }}"#,
        r#"{{ t(key="fish") | safe }}"#,
        r#"{{ not t(key="fish") }}"#,
        r#"{% set x = t(key="fish") %}{{ x }}"#,
        r#"{{ m::label(text=t(key="fish")) }}"#,
        r#"{{ m::label(text="a") }}"#,
        r#"{{ t(key="hello", name=t(key="fish")) }}"#,
        r#"{{ t(key="hello", name="Ann & Bo") }}"#,
        r#"{{ missing | default(value=t(key="fish")) }}"#,
        r#"{% for x in [t(key="fish"), "b"] %}{{ x }};{% endfor %}"#,
        r#"{% filter upper %}{{ t(key="fish") }}{% endfilter %}"#,
        r#"{% if who %}{{ t(key="fish") }}{% else %}{{ t(key="empty") }}{% endif %}"#,
        r#"{% block b %}{{ t(key="fish") }}{% endblock b %}"#,
    ];

    /// Templates with a `t()` call left to run: an argument that is not
    /// quoted text, iterated over, joined with `~`, a condition, a string
    /// the language lacks or refuses.
    const KEPT: &[&str] = &[
        r#"{{ t(key="hello", name=who) }}"#,
        r#"{% for c in t(key="fish") %}{{ c }},{% endfor %}"#,
        r#"{{ "a" ~ t(key="fish") }}"#,
        r#"{% if t(key="fish") %}yes{% endif %}"#,
        r#"{{ t(key="nothing") }}"#,
        r#"{{ t(key="fish", n=1) }}"#,
    ];

    fn tera(fold: bool, case: &str) -> Tera {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.register_function("t", |args: &HashMap<String, Value>| translate(args));
        for (name, text) in [("macros.html", MACROS), ("page.html", case)] {
            let text = if name == "page.html" {
                format!(r#"{{% import "macros.html" as m %}}{text}"#)
            } else {
                text.to_owned()
            };
            let mut template = Template::new(name, None, &text).unwrap();
            if fold {
                fold_translations(&mut template, &translate);
            }
            tera.templates.insert(name.to_owned(), template);
        }
        tera.build_inheritance_chains().unwrap();
        tera
    }

    fn render(tera: &Tera) -> Result<String, String> {
        let mut context = Context::new();
        context.insert("who", "Kim");
        tera.render("page.html", &context)
            .map_err(|e| format!("{e:?}"))
    }

    /// Every `t()` call left in the template's text, blocks and macros.
    fn calls_left(template: &Template) -> usize {
        let text = format!(
            "{:?}{:?}{:?}",
            template.ast, template.blocks, template.macros
        );
        text.matches("FunctionCall { name: \"t\"").count()
    }

    #[test]
    fn a_folded_template_renders_as_the_template_did() {
        for case in FOLDED.iter().chain(KEPT) {
            let (plain, folded) = (tera(false, case), tera(true, case));
            assert_eq!(render(&folded), render(&plain), "{case}");
        }
        // The cases print what they are about, errors included.
        assert_eq!(
            render(&tera(true, FOLDED[0])).unwrap(),
            "Fish &amp; &quot;chips&quot; &lt;b&gt;"
        );
        assert!(render(&tera(true, KEPT[3])).is_err());
        assert!(render(&tera(true, KEPT[4])).is_err());
    }

    #[test]
    fn only_calls_with_quoted_arguments_in_a_value_place_are_folded() {
        let left = |case: &str| calls_left(&tera(true, case).templates["page.html"]);
        for case in FOLDED {
            assert_eq!(left(case), 0, "{case}");
        }
        for case in KEPT {
            assert!(left(case) > 0, "{case}");
        }
        // The macro's body, in its definition and in the macros it keeps.
        assert_eq!(
            calls_left(&tera(false, FOLDED[0]).templates["macros.html"]),
            2
        );
        assert_eq!(
            calls_left(&tera(true, FOLDED[0]).templates["macros.html"]),
            0
        );
    }
}
