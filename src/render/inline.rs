//! Small macros written out where they are called, when the templates are
//! compiled.
//!
//! `{{ m::time(iso=claim.date, display=claim.date_display) }}` pushes a
//! frame, looks the macro up through its namespace, evaluates each argument
//! into the frame and renders the body, which looks each argument up again:
//! some 1,500 instructions beyond the body's own work, for each of the
//! 160,000 calls a build of 1,000 briefings makes (cards, rows, pages). A
//! macro whose body only prints and tests its arguments gives the same
//! text as that body with each argument's name replaced by what the call
//! passes (`{{ iso }}` by `{{ claim.date }}`), so such calls are replaced by
//! the body, written out.
//!
//! Written out only when nothing can tell the difference:
//! - the body is text, printed values and `{% if %}`s, and every name it
//!   reads is one of its arguments (a macro sees nothing of its caller's
//!   loops and sets; written out, a name of its own would);
//! - each argument is a plain name or path (`claim.verdict`) or a quoted
//!   string, number or flag, and a literal is only used whole;
//! - each argument given as a name is printed on every way through the
//!   body, so that a name the page lacks is still an error, as the call
//!   evaluating it was;
//! - every argument the macro takes is given, or has a literal default.
//!
//! Anything else, and every macro that calls another, is left to Tera.

use std::collections::HashMap;

use tera::ast::{Expr, ExprVal, FunctionCall, MacroCall, MacroDefinition, Node};
use tera::Template;

/// Writes out, in every template, each call of a macro that can be (see
/// the module's comment). `templates` are parsed and not yet linked into a
/// `Tera`, so blocks are written out before child templates copy them.
pub(super) fn inline_macros(templates: &mut HashMap<String, Template>) {
    // Every macro by its file and name; which of its calls can be written
    // out is told call by call, as its arguments are written in.
    let macros: HashMap<(String, String), MacroDefinition> = templates
        .iter()
        .flat_map(|(file, template)| {
            template
                .macros
                .iter()
                .map(move |(name, definition)| ((file.clone(), name.clone()), definition.clone()))
        })
        .collect();
    if macros.is_empty() {
        return;
    }
    for (file, template) in templates.iter_mut() {
        // Which file each namespace names in this template: its imports,
        // and `self` for its own macros.
        let mut files: HashMap<String, String> = template
            .imported_macro_files
            .iter()
            .map(|(imported, namespace)| (namespace.clone(), imported.clone()))
            .collect();
        files.insert("self".to_owned(), file.clone());
        let find = |call: &MacroCall| {
            let file = files.get(&call.namespace)?;
            macros.get(&(file.clone(), call.name.clone()))
        };
        nodes(&mut template.ast, &find);
        for block in template.blocks.values_mut() {
            nodes(&mut block.body, &find);
        }
        for definition in template.macros.values_mut() {
            nodes(&mut definition.body, &find);
        }
    }
}

/// Replaces each call in `nodes` (and the nodes inside them) that `find`
/// gives a macro for, and that can be written out, by its body.
fn nodes<'d>(nodes: &mut Vec<Node>, find: &impl Fn(&MacroCall) -> Option<&'d MacroDefinition>) {
    let mut out = Vec::with_capacity(nodes.len());
    for mut node in nodes.drain(..) {
        match &mut node {
            Node::VariableBlock(_, expr) => {
                if let Some(body) = written(expr, find) {
                    out.extend(body);
                    continue;
                }
            }
            Node::MacroDefinition(_, definition, _) => self::nodes(&mut definition.body, find),
            Node::FilterSection(_, section, _) => self::nodes(&mut section.body, find),
            Node::Block(_, block, _) => self::nodes(&mut block.body, find),
            Node::Forloop(_, forloop, _) => {
                self::nodes(&mut forloop.body, find);
                if let Some(empty) = &mut forloop.empty_body {
                    self::nodes(empty, find);
                }
            }
            Node::If(branches, _) => {
                for (_, _, body) in &mut branches.conditions {
                    self::nodes(body, find);
                }
                if let Some((_, body)) = &mut branches.otherwise {
                    self::nodes(body, find);
                }
            }
            _ => {}
        }
        out.push(node);
    }
    *nodes = out;
}

/// What an argument is replaced by.
enum Given {
    /// A name or path of the page (`claim.verdict`).
    Path(String),
    /// A quoted string, a number or a flag.
    Literal(ExprVal),
}

/// The body of the macro `expr` prints, its arguments written in, if the
/// call can be written out.
fn written<'d>(
    expr: &Expr,
    find: &impl Fn(&MacroCall) -> Option<&'d MacroDefinition>,
) -> Option<Vec<Node>> {
    let ExprVal::MacroCall(call) = &expr.val else {
        return None;
    };
    if expr.negated || !expr.filters.is_empty() {
        return None;
    }
    let definition = find(call)?;
    let mut given = HashMap::with_capacity(definition.args.len());
    for (name, default) in &definition.args {
        let argument = match call.args.get(name) {
            Some(argument) => given_as(argument)?,
            // Tera takes only literals as defaults.
            None => given_as(default.as_ref()?)?,
        };
        if let Given::Path(_) = argument {
            if !printed_always(&definition.body, name) {
                return None;
            }
        }
        given.insert(name.as_str(), argument);
    }
    let mut body = definition.body.clone();
    for node in &mut body {
        node_in(node, &given)?;
    }
    Some(body)
}

/// What an argument's expression gives, if it is a plain path or a literal.
fn given_as(argument: &Expr) -> Option<Given> {
    if argument.negated || !argument.filters.is_empty() {
        return None;
    }
    match &argument.val {
        ExprVal::Ident(path) if is_plain_path(path) => Some(Given::Path(path.clone())),
        literal @ (ExprVal::String(_) | ExprVal::Int(_) | ExprVal::Float(_) | ExprVal::Bool(_)) => {
            Some(Given::Literal(literal.clone()))
        }
        _ => None,
    }
}

/// Names and fields joined by dots (`claim.speaker.name`), nothing Tera
/// reads any other way (brackets, quotes).
fn is_plain_path(path: &str) -> bool {
    !path.is_empty()
        && path.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
}

/// Whether every way through `body` prints `name` or a path below it with
/// no filter (which could stand in for a missing value): so that a name the
/// page lacks fails the page, as evaluating the call's argument did.
fn printed_always(body: &[Node], name: &str) -> bool {
    body.iter().any(|node| match node {
        Node::VariableBlock(
            _,
            Expr {
                val: ExprVal::Ident(path),
                negated: false,
                filters,
            },
        ) => filters.is_empty() && root(path) == name,
        Node::If(branches, _) => {
            branches
                .otherwise
                .as_ref()
                .is_some_and(|(_, body)| printed_always(body, name))
                && branches
                    .conditions
                    .iter()
                    .all(|(_, _, body)| printed_always(body, name))
        }
        _ => false,
    })
}

/// A path's first name: `claim` of `claim.speaker.name`.
fn root(path: &str) -> &str {
    path.split('.').next().unwrap_or(path)
}

/// Writes the arguments into a node of the body; `None` when one cannot be,
/// or when the node is anything but text, a printed value or an `if` (a
/// loop, a `set`, a macro call anywhere in an expression).
fn node_in(node: &mut Node, given: &HashMap<&str, Given>) -> Option<()> {
    match node {
        Node::Text(_) | Node::Raw(..) | Node::Comment(..) => Some(()),
        Node::VariableBlock(_, expr) => expr_in(expr, given),
        Node::If(branches, _) => {
            for (_, condition, body) in &mut branches.conditions {
                expr_in(condition, given)?;
                for node in body {
                    node_in(node, given)?;
                }
            }
            if let Some((_, body)) = &mut branches.otherwise {
                for node in body {
                    node_in(node, given)?;
                }
            }
            Some(())
        }
        _ => None,
    }
}

fn expr_in(expr: &mut Expr, given: &HashMap<&str, Given>) -> Option<()> {
    val_in(&mut expr.val, given, true)?;
    expr.filters
        .iter_mut()
        .try_for_each(|filter| call_in(filter, given))
}

fn call_in(call: &mut FunctionCall, given: &HashMap<&str, Given>) -> Option<()> {
    call.args
        .values_mut()
        .try_for_each(|argument| expr_in(argument, given))
}

/// Writes the arguments into a value: a name of the body becomes the
/// caller's path, or its literal where a literal may stand (`whole`: a
/// value of its own, not a part of a `~` join, which Tera joins only from
/// strings, numbers and names).
fn val_in(val: &mut ExprVal, given: &HashMap<&str, Given>, whole: bool) -> Option<()> {
    match val {
        ExprVal::Ident(path) => {
            *val = replaced(path, given, whole)?;
            Some(())
        }
        ExprVal::String(_) | ExprVal::Int(_) | ExprVal::Float(_) | ExprVal::Bool(_) => Some(()),
        ExprVal::Math(math) => {
            expr_in(&mut math.lhs, given)?;
            expr_in(&mut math.rhs, given)
        }
        ExprVal::Logic(logic) => {
            expr_in(&mut logic.lhs, given)?;
            expr_in(&mut logic.rhs, given)
        }
        ExprVal::In(test) => {
            expr_in(&mut test.lhs, given)?;
            expr_in(&mut test.rhs, given)
        }
        ExprVal::Array(items) => items.iter_mut().try_for_each(|item| expr_in(item, given)),
        ExprVal::Test(test) => {
            // A test names its value as a path, which a literal cannot be.
            match replaced(&test.ident, given, false)? {
                ExprVal::Ident(path) => test.ident = path,
                _ => return None,
            }
            test.args
                .iter_mut()
                .try_for_each(|argument| expr_in(argument, given))
        }
        ExprVal::FunctionCall(call) => call_in(call, given),
        ExprVal::StringConcat(concat) => {
            for part in &mut concat.values {
                match part {
                    ExprVal::Ident(path) => *part = replaced(path, given, false)?,
                    ExprVal::String(_) | ExprVal::Int(_) | ExprVal::Float(_) => {}
                    _ => return None,
                }
            }
            Some(())
        }
        ExprVal::MacroCall(_) => None,
    }
}

/// What the body's `path` becomes: the caller's path with the rest of it
/// (`verdict.tone` given `claim.verdict` is `claim.verdict.tone`), or the
/// caller's literal for the whole name.
fn replaced(path: &str, given: &HashMap<&str, Given>, whole: bool) -> Option<ExprVal> {
    if !is_plain_path(path) {
        return None;
    }
    let (name, rest) = match path.split_once('.') {
        Some((name, rest)) => (name, Some(rest)),
        None => (path, None),
    };
    match (given.get(name)?, rest) {
        (Given::Path(caller), None) => Some(ExprVal::Ident(caller.clone())),
        (Given::Path(caller), Some(rest)) => Some(ExprVal::Ident(format!("{caller}.{rest}"))),
        (Given::Literal(literal), None) if whole || !matches!(literal, ExprVal::Bool(_)) => {
            Some(literal.clone())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tera::{Context, Tera};

    /// Macros of every kind the module tells apart.
    const MACROS: &str = r#"
{%- macro time(iso, display) -%}<time datetime="{{ iso }}">{{ display }}</time>{%- endmacro time %}
{%- macro badge(verdict, compact=false) -%}<a class="v--{{ verdict.tone }}"{% if verdict.note %} title="{{ verdict.note }}"{% endif %}>{% if compact %}[{% endif %}{{ verdict.label }}{% if verdict.label is starting_with("F") %}!{% endif %}</a>{%- endmacro badge %}
{%- macro quote(claim) -%}{% if claim.verbatim %}“{{ claim.text }}”{% else %}{{ claim.text }}{% endif %}{{ "~" ~ claim.n }}{%- endmacro quote %}
{%- macro meta(speaker) -%}{% if speaker.role %}{{ speaker.role }}{% endif %}{%- endmacro meta %}
{%- macro outer(x) -%}{{ self::time(iso=x, display=x) }}{%- endmacro outer %}
{%- macro looped(items) -%}{% for i in items %}{{ i }}{% endfor %}{{ items }}{%- endmacro looped %}
{%- macro sees(x) -%}{{ x }}{{ other }}{%- endmacro sees %}
{%- macro first(x) -%}{{ x }}{{ loop.index }}{%- endmacro first %}
{%- macro fallback(x, y="-") -%}{{ x }}{{ y }}{%- endmacro fallback %}
"#;

    /// Calls written out: plain paths, literals given or by default,
    /// inside a loop and a branch.
    const WRITTEN: &[&str] = &[
        r#"{{ m::time(iso=c.date, display=c.shown) }}"#,
        r#"{{ m::badge(verdict=c.verdict) }}|{{ m::badge(verdict=c.verdict, compact=true) }}"#,
        r#"{{ m::quote(claim=c) }}|{{ m::quote(claim=d) }}"#,
        r#"{% for v in list %}{{ m::badge(verdict=v) }}{% endfor %}"#,
        r#"{% if c %}{{ m::time(iso="2026-01-02", display=c.shown) }}{% endif %}"#,
        r#"{{ m::fallback(x=c.date) }}{{ m::fallback(x=c.date, y=2) }}"#,
    ];

    /// A macro of the page's own that calls one: the call in its body is
    /// written out, and its own call, made from a body that called a
    /// macro, is left.
    const IN_A_MACRO: &str = r#"{% macro own(v) %}{{ m::badge(verdict=v) }}{% endmacro own %}{{ self::own(v=c.verdict) }}"#;

    /// Calls left to Tera: an argument printed only in a branch, a body
    /// that calls a macro, loops, reads a name of its own or `loop`, an
    /// argument with a filter or a bracket, a call with a filter, a literal
    /// where a path is read.
    const KEPT: &[&str] = &[
        r#"{{ m::meta(speaker=c.speaker) }}"#,
        r#"{{ m::outer(x=c.date) }}"#,
        r#"{{ m::looped(items=list) }}"#,
        r#"{% set other = "!" %}{{ m::sees(x=c.date) }}"#,
        r#"{% for v in list %}{{ m::first(x=v.label) }}{% endfor %}"#,
        r#"{{ m::time(iso=c.date | upper, display=c.shown) }}"#,
        r#"{{ m::time(iso=c["date"], display=c.shown) }}"#,
        r#"{{ m::time(iso=c.date, display=c.shown) | upper }}"#,
        r#"{{ m::badge(verdict="x") }}"#,
    ];

    fn tera(inline: bool, case: &str) -> Tera {
        let mut templates = HashMap::new();
        for (name, text) in [
            ("macros.html", MACROS.to_owned()),
            (
                "page.html",
                format!(r#"{{% import "macros.html" as m %}}{case}"#),
            ),
        ] {
            templates.insert(name.to_owned(), Template::new(name, None, &text).unwrap());
        }
        if inline {
            inline_macros(&mut templates);
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.templates.extend(templates);
        tera.build_inheritance_chains().unwrap();
        tera
    }

    fn render(tera: &Tera, context: &Context) -> Result<String, String> {
        tera.render("page.html", context)
            .map_err(|e| format!("{e:?}"))
    }

    /// A page's values, with text to escape, a flag, a number, a missing
    /// note and a claim lacking its text.
    fn context() -> Context {
        let verdict = serde_json::json!({"tone": "red", "label": "False <&>", "note": "n\"1"});
        let mut context = Context::new();
        context.insert(
            "c",
            &serde_json::json!({
                "date": "2026-11-21", "shown": "21 Nov & on", "verdict": verdict,
                "verbatim": true, "text": "We <won>", "n": 3,
                "speaker": {"role": "Minister"},
            }),
        );
        context.insert(
            "d",
            &serde_json::json!({"verbatim": false, "text": "x", "n": 1.5}),
        );
        context.insert(
            "list",
            &serde_json::json!([verdict, {"tone": "g", "label": "True", "note": null}]),
        );
        context
    }

    fn calls_left(tera: &Tera) -> usize {
        let page = &tera.templates["page.html"];
        let text = format!("{:?}{:?}", page.ast, page.macros);
        text.matches("MacroCall(MacroCall").count()
    }

    #[test]
    fn a_page_with_its_calls_written_out_renders_as_before() {
        for case in WRITTEN.iter().chain(KEPT).chain([&IN_A_MACRO]) {
            let (plain, inlined) = (tera(false, case), tera(true, case));
            assert_eq!(
                render(&inlined, &context()),
                render(&plain, &context()),
                "{case}"
            );
        }
        assert_eq!(
            render(&tera(true, WRITTEN[1]), &context()).unwrap(),
            r#"<a class="v--red" title="n&quot;1">False &lt;&amp;&gt;!</a>|<a class="v--red" title="n&quot;1">[False &lt;&amp;&gt;!</a>"#
        );
    }

    #[test]
    fn only_plain_macros_with_plain_arguments_are_written_out() {
        for case in WRITTEN {
            assert_eq!(calls_left(&tera(true, case)), 0, "{case}");
        }
        for case in KEPT {
            let (plain, inlined) = (tera(false, case), tera(true, case));
            assert_eq!(calls_left(&inlined), calls_left(&plain), "{case}");
        }
        // The body's call is counted in the template's text and in its
        // macros.
        assert_eq!(calls_left(&tera(false, IN_A_MACRO)), 3);
        assert_eq!(calls_left(&tera(true, IN_A_MACRO)), 1);
    }

    /// A name the page lacks fails the page, written out or not: each
    /// argument written out is printed on every way through the body.
    #[test]
    fn a_missing_argument_is_still_an_error() {
        let mut context = context();
        context.insert("c", &serde_json::json!({"verbatim": true}));
        for case in [WRITTEN[0], WRITTEN[1], WRITTEN[2]] {
            assert!(render(&tera(true, case), &context).is_err(), "{case}");
            assert!(render(&tera(false, case), &context).is_err(), "{case}");
        }
    }
}
