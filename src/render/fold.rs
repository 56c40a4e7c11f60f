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
//!
//! A call that fills its string from the page's names
//! (`t(key="permalink_hidden", speaker=claim.speaker.name)`) becomes the
//! join of the string's text and those names, which the patched Tera
//! prints as it printed the call's string (see `Fold::joined`).

use std::collections::HashMap;

use tera::ast::{Expr, ExprVal, Forloop, FunctionCall, LogicOperator, Node, StringConcat};
use tera::{Template, Tera, Value};

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
            } else if let Some(joined) = self.joined(call) {
                expr.val = ExprVal::StringConcat(joined);
            }
        }
    }

    /// The calls among an expression's arguments, items and filters'
    /// arguments, which are evaluated for their value, but not the
    /// expression itself.
    fn inside(&self, expr: &mut Expr) {
        values_inside(expr, Compared::Left, &mut |e| self.value(e));
    }

    fn arguments(&self, call: &mut FunctionCall) {
        arguments(call, &mut |e| self.value(e));
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

    /// A `t()` call that fills its string from names
    /// (`t(key="permalink_hidden", speaker=claim.speaker.name)`) as the
    /// join of the string's text and those names, in the order the string
    /// puts them: what the call gives, with no function called on the page.
    /// Each card called `t()` so three times, some 3,700 instructions a
    /// call, building its map of arguments.
    ///
    /// The string is found by calling `translate` with a marker for each
    /// name, so the text around them is what `t()` writes. Left as a call:
    /// a `count` (which picks a plural form on the page), an argument that
    /// is not a plain name or quoted text, a name the string does not use
    /// (whose lookup could fail on the page), and a string with a marker
    /// character of its own. The join is printed escaped, and writes any
    /// value as `t()` does (`as_call`).
    fn joined(&self, call: &FunctionCall) -> Option<StringConcat> {
        if call.name != "t" || call.args.contains_key("count") {
            return None;
        }
        let mut args = HashMap::with_capacity(call.args.len());
        let mut names = Vec::new();
        for (name, argument) in &call.args {
            let Expr {
                val,
                negated: false,
                filters,
            } = argument
            else {
                return None;
            };
            if !filters.is_empty() {
                return None;
            }
            let value = match val {
                ExprVal::String(text) => text.clone(),
                ExprVal::Ident(path) if name != "key" => {
                    names.push(path.clone());
                    marker(names.len() - 1)
                }
                _ => return None,
            };
            args.insert(name.clone(), Value::String(value));
        }
        if names.is_empty() {
            return None;
        }
        let key = HashMap::from([("key".to_owned(), args.get("key")?.clone())]);
        match (self.translate)(&key) {
            Ok(Value::String(bare)) if !bare.contains(MARKER) => {}
            _ => return None,
        }
        let Ok(Value::String(text)) = (self.translate)(&args) else {
            return None;
        };
        let mut values = Vec::new();
        let mut used = vec![false; names.len()];
        let mut pieces = text.split(MARKER);
        let before = pieces.next().unwrap_or_default();
        if !before.is_empty() {
            values.push(ExprVal::String(before.to_owned()));
        }
        // After the first piece, pieces come in pairs: a name's number, then
        // the text up to the next marker.
        while let Some(number) = pieces.next() {
            let index: usize = number.parse().ok()?;
            values.push(ExprVal::Ident(names.get(index)?.clone()));
            *used.get_mut(index)? = true;
            let after = pieces.next()?;
            if !after.is_empty() {
                values.push(ExprVal::String(after.to_owned()));
            }
        }
        used.iter().all(|&u| u).then_some(StringConcat {
            values,
            as_call: true,
        })
    }
}

/// What stands for a name's value while a `t()` string is filled: a
/// character no interface string holds, around the name's number.
const MARKER: char = '\u{0}';

fn marker(index: usize) -> String {
    format!("{MARKER}{index}{MARKER}")
}

/// The templates of `tera` with what every page of one site prints alike
/// written into them: the values of `site` (its title, paths, publisher,
/// flags), which are the same on each of the site's pages, and the text
/// the templates print as quoted strings (the folded `t()` calls among
/// them), escaped once rather than on every page.
///
/// `{{ site.title }}` becomes the title, `{% if site.preview %}…{% endif %}`
/// its branch or nothing, `{% set u = site.base_path ~ "search/" %}` a
/// quoted path. A page frame of the default theme printed some twenty such
/// values, each looked up through the page's context, on every page.
///
/// Nothing of `site` is written in when a template binds the name itself
/// (`{% set site = … %}`, `{% for site in … %}`), nor inside a macro, whose
/// own arguments may be named `site`. Printed strings become text only when
/// every template is one Tera escapes (an `.html` page may be rendered
/// through another's blocks and macros, and those are escaped as the page
/// is). What cannot be told when the templates are compiled (a path `site`
/// lacks, a value that is not a string or a flag) is left to the page,
/// with its error, so every page renders as it did.
pub(super) fn fold_site(
    tera: &mut Tera,
    site: &Value,
    escape: &dyn Fn(&str) -> String,
) -> tera::Result<()> {
    let binds_site = tera.templates.values().any(|t| {
        binds(&t.ast, "site")
            || t.blocks.values().any(|b| binds(&b.body, "site"))
            || t.macros.values().any(|m| binds(&m.body, "site"))
    });
    let escaped = tera.templates.keys().all(|name| {
        tera.autoescape_suffixes
            .iter()
            .any(|suffix| name.ends_with(suffix))
    });
    let site = (!binds_site).then_some(site);
    for template in tera.templates.values_mut() {
        if let Some(site) = site {
            let fold = Site {
                name: "site",
                value: site,
            };
            fold.nodes(&mut template.ast);
            for block in template.blocks.values_mut() {
                fold.nodes(&mut block.body);
            }
        }
        if escaped {
            texts(&mut template.ast, escape);
            for block in template.blocks.values_mut() {
                texts(&mut block.body, escape);
            }
            for definition in template.macros.values_mut() {
                texts(&mut definition.body, escape);
            }
        }
    }
    // Blocks are rendered from the copies this makes of them.
    tera.build_inheritance_chains()
}

/// Whether `nodes` give `name` a value of their own: set it, or loop over
/// something with it.
fn binds(nodes: &[Node], name: &str) -> bool {
    nodes.iter().any(|node| match node {
        Node::Set(_, set) => set.key == name,
        Node::Forloop(_, forloop, _) => {
            forloop.value == name
                || forloop.key.as_deref() == Some(name)
                || binds(&forloop.body, name)
                || forloop
                    .empty_body
                    .as_deref()
                    .is_some_and(|b| binds(b, name))
        }
        Node::MacroDefinition(_, definition, _) => binds(&definition.body, name),
        Node::FilterSection(_, section, _) => binds(&section.body, name),
        Node::Block(_, block, _) => binds(&block.body, name),
        Node::If(branches, _) => {
            branches
                .conditions
                .iter()
                .any(|(_, _, body)| binds(body, name))
                || branches
                    .otherwise
                    .as_ref()
                    .is_some_and(|(_, body)| binds(body, name))
        }
        _ => false,
    })
}

/// Tera's truth of a value, as `{% if %}` takes it.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Value::Bool(b) => *b,
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// A name whose value is known when the templates are compiled: `site`,
/// or the variable of a loop over a list of `site` as it is unrolled.
struct Site<'s> {
    name: &'s str,
    value: &'s Value,
}

impl Site<'_> {
    /// What `path` names in the value, if it is a plain path into it
    /// (`site.publisher.name`) that leads somewhere.
    fn value(&self, path: &str) -> Option<&Value> {
        let rest = path.strip_prefix(self.name)?.strip_prefix('.')?;
        if !rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        {
            return None;
        }
        tera::dotted_pointer(self.value, rest)
    }

    /// The string `expr` is, when it is a path to a string of `site` or
    /// quoted strings and such paths joined with `~`.
    fn string(&self, val: &ExprVal) -> Option<String> {
        match val {
            ExprVal::Ident(path) => self.value(path)?.as_str().map(str::to_owned),
            ExprVal::StringConcat(concat) => {
                let mut joined = String::new();
                for part in &concat.values {
                    match part {
                        ExprVal::String(text) => joined.push_str(text),
                        ExprVal::Ident(_) => joined.push_str(&self.string(part)?),
                        _ => return None,
                    }
                }
                Some(joined)
            }
            _ => None,
        }
    }

    /// Whether `{% if expr %}` is always taken, never taken, or depends on
    /// the page (`None`).
    fn truth(&self, expr: &Expr) -> Option<bool> {
        match &expr.val {
            ExprVal::Ident(path) if expr.filters.is_empty() => {
                Some(truthy(self.value(path)?) != expr.negated)
            }
            _ => None,
        }
    }

    fn nodes(&self, nodes: &mut Vec<Node>) {
        let mut folded = Vec::with_capacity(nodes.len());
        for mut node in nodes.drain(..) {
            match &mut node {
                Node::VariableBlock(_, expr) => {
                    // Joined strings are printed unescaped, so only a path
                    // is written in here.
                    if matches!(expr.val, ExprVal::Ident(_)) {
                        self.value_of(expr);
                    }
                    self.inside(expr);
                }
                Node::Set(_, set) => self.value_of(&mut set.value),
                Node::FilterSection(_, section, _) => {
                    self.arguments(&mut section.filter);
                    self.nodes(&mut section.body);
                }
                Node::Block(_, block, _) => self.nodes(&mut block.body),
                Node::Forloop(_, forloop, _) => {
                    self.inside(&mut forloop.container);
                    self.nodes(&mut forloop.body);
                    if let Some(empty) = &mut forloop.empty_body {
                        self.nodes(empty);
                    }
                    if let Some(unrolled) = self.unrolled(forloop) {
                        folded.extend(unrolled);
                        continue;
                    }
                }
                Node::If(branches, _) => {
                    if let Some((_, body)) = &mut branches.otherwise {
                        self.nodes(body);
                    }
                    let mut kept = Vec::with_capacity(branches.conditions.len());
                    for (ws, mut condition, mut body) in branches.conditions.drain(..) {
                        self.nodes(&mut body);
                        match self.truth(&condition) {
                            // Never taken.
                            Some(false) => {}
                            // Always taken when reached: what follows it
                            // never is.
                            Some(true) => {
                                branches.otherwise = Some((ws, body));
                                break;
                            }
                            None => {
                                self.inside(&mut condition);
                                kept.push((ws, condition, body));
                            }
                        }
                    }
                    if kept.is_empty() {
                        if let Some((_, body)) = branches.otherwise.take() {
                            folded.extend(body);
                        }
                        continue;
                    }
                    branches.conditions = kept;
                }
                _ => {}
            }
            folded.push(node);
        }
        *nodes = folded;
    }

    /// A loop over a list of the value (`{% for entry in site.menu %}`) as
    /// its body once for each item, with the item's strings written in:
    /// the menu of every page. `None` when the body reads anything the
    /// unrolled copies could not give it as the loop did: the `loop`
    /// variable, a part of the item that is not a string or a flag, the
    /// item whole, a `break` or `continue`, a `set` (which would land in
    /// the frame outside the loop), or an included template (which sees
    /// the loop's variables).
    fn unrolled(&self, forloop: &Forloop) -> Option<Vec<Node>> {
        let Expr {
            val: ExprVal::Ident(path),
            negated: false,
            filters,
        } = &forloop.container
        else {
            return None;
        };
        let Some(Value::Array(items)) = filters.is_empty().then(|| self.value(path)).flatten()
        else {
            return None;
        };
        if forloop.key.is_some()
            || reads(&forloop.body, "loop")
            || !plain(&forloop.body)
            || binds(&forloop.body, &forloop.value)
        {
            return None;
        }
        if items.is_empty() {
            return Some(forloop.empty_body.clone().unwrap_or_default());
        }
        let mut unrolled = Vec::new();
        for item in items {
            let mut body = forloop.body.clone();
            Site {
                name: &forloop.value,
                value: item,
            }
            .nodes(&mut body);
            if reads(&body, &forloop.value) {
                return None;
            }
            unrolled.extend(body);
        }
        Some(unrolled)
    }

    /// An expression evaluated for its value: written in when it is a
    /// string of `site`, and so are those among its arguments.
    fn value_of(&self, expr: &mut Expr) {
        if !expr.negated {
            if let Some(text) = self.string(&expr.val) {
                expr.val = ExprVal::String(text);
            }
        }
        self.inside(expr);
    }

    /// The expressions inside `expr` evaluated for their value, and, since
    /// a string compares equal to a quoted string as to a path that gives
    /// it (`current_url == entry.url`), the sides of a comparison.
    fn inside(&self, expr: &mut Expr) {
        values_inside(expr, Compared::Folded, &mut |e| self.value_of(e));
    }

    fn arguments(&self, call: &mut FunctionCall) {
        arguments(call, &mut |e| self.value_of(e));
    }
}

/// Whether [`values_inside`] hands on the sides of `==` and `!=` (and
/// looks inside the other logic operators), or leaves logic alone.
#[derive(Clone, Copy)]
enum Compared {
    Left,
    Folded,
}

/// Hands `value` each expression inside `expr` that Tera evaluates for its
/// value (a call's arguments, a macro's, a list's items, the filters'
/// arguments), but not `expr` itself: what both folds may write in.
fn values_inside(expr: &mut Expr, compared: Compared, value: &mut dyn FnMut(&mut Expr)) {
    for filter in &mut expr.filters {
        arguments(filter, value);
    }
    match &mut expr.val {
        ExprVal::FunctionCall(call) => arguments(call, value),
        ExprVal::MacroCall(call) => call.args.values_mut().for_each(&mut *value),
        ExprVal::Array(items) => items.iter_mut().for_each(&mut *value),
        ExprVal::Logic(logic) if matches!(compared, Compared::Folded) => {
            if matches!(logic.operator, LogicOperator::Eq | LogicOperator::NotEq) {
                value(&mut logic.lhs);
                value(&mut logic.rhs);
            } else {
                values_inside(&mut logic.lhs, compared, value);
                values_inside(&mut logic.rhs, compared, value);
            }
        }
        _ => {}
    }
}

fn arguments(call: &mut FunctionCall, value: &mut dyn FnMut(&mut Expr)) {
    call.args.values_mut().for_each(value);
}

/// Whether `nodes` hold no `break`, `continue`, `set` or `include`, and no
/// block or macro: what a loop's body may hold to be unrolled.
fn plain(nodes: &[Node]) -> bool {
    nodes.iter().all(|node| match node {
        Node::Text(_) | Node::Raw(..) | Node::Comment(..) | Node::VariableBlock(..) => true,
        Node::If(branches, _) => {
            branches.conditions.iter().all(|(_, _, body)| plain(body))
                && branches
                    .otherwise
                    .as_ref()
                    .is_none_or(|(_, body)| plain(body))
        }
        Node::Forloop(_, forloop, _) => {
            plain(&forloop.body) && forloop.empty_body.as_deref().is_none_or(plain)
        }
        Node::FilterSection(_, section, _) => plain(&section.body),
        _ => false,
    })
}

/// Whether an expression of `nodes` reads the variable `name`.
fn reads(nodes: &[Node], name: &str) -> bool {
    nodes.iter().any(|node| match node {
        Node::VariableBlock(_, expr) => expr_reads(expr, name),
        Node::Set(_, set) => expr_reads(&set.value, name),
        Node::If(branches, _) => {
            branches
                .conditions
                .iter()
                .any(|(_, condition, body)| expr_reads(condition, name) || reads(body, name))
                || branches
                    .otherwise
                    .as_ref()
                    .is_some_and(|(_, body)| reads(body, name))
        }
        Node::Forloop(_, forloop, _) => {
            expr_reads(&forloop.container, name)
                || reads(&forloop.body, name)
                || forloop
                    .empty_body
                    .as_deref()
                    .is_some_and(|b| reads(b, name))
        }
        Node::FilterSection(_, section, _) => {
            call_reads(&section.filter, name) || reads(&section.body, name)
        }
        Node::Block(_, block, _) => reads(&block.body, name),
        Node::MacroDefinition(_, definition, _) => reads(&definition.body, name),
        _ => false,
    })
}

fn expr_reads(expr: &Expr, name: &str) -> bool {
    expr.filters.iter().any(|f| call_reads(f, name)) || val_reads(&expr.val, name)
}

fn call_reads(call: &FunctionCall, name: &str) -> bool {
    call.args.values().any(|arg| expr_reads(arg, name))
}

fn val_reads(val: &ExprVal, name: &str) -> bool {
    let is_name = |path: &str| {
        path.strip_prefix(name)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
            // A part of another path given in brackets: `x[name]`.
            || path.contains(&format!("[{name}"))
    };
    match val {
        ExprVal::Ident(path) => is_name(path),
        ExprVal::Math(math) => expr_reads(&math.lhs, name) || expr_reads(&math.rhs, name),
        ExprVal::Logic(logic) => expr_reads(&logic.lhs, name) || expr_reads(&logic.rhs, name),
        ExprVal::Test(test) => {
            is_name(&test.ident) || test.args.iter().any(|a| expr_reads(a, name))
        }
        ExprVal::MacroCall(call) => call.args.values().any(|a| expr_reads(a, name)),
        ExprVal::FunctionCall(call) => call_reads(call, name),
        ExprVal::Array(items) => items.iter().any(|item| expr_reads(item, name)),
        ExprVal::StringConcat(concat) => concat.values.iter().any(|v| val_reads(v, name)),
        ExprVal::In(test) => expr_reads(&test.lhs, name) || expr_reads(&test.rhs, name),
        _ => false,
    }
}

/// Quoted strings printed as they are (`{{ "…" }}`, what folding leaves)
/// made into the escaped text Tera would print for them, joined with the
/// text around them.
fn texts(nodes: &mut Vec<Node>, escape: &dyn Fn(&str) -> String) {
    let mut joined: Vec<Node> = Vec::with_capacity(nodes.len());
    for mut node in nodes.drain(..) {
        match &mut node {
            Node::VariableBlock(
                _,
                Expr {
                    val: ExprVal::String(text),
                    negated: false,
                    filters,
                },
            ) if filters.is_empty() => node = Node::Text(escape(text)),
            Node::MacroDefinition(_, definition, _) => texts(&mut definition.body, escape),
            Node::FilterSection(_, section, _) => texts(&mut section.body, escape),
            Node::Block(_, block, _) => texts(&mut block.body, escape),
            Node::Forloop(_, forloop, _) => {
                texts(&mut forloop.body, escape);
                if let Some(empty) = &mut forloop.empty_body {
                    texts(empty, escape);
                }
            }
            Node::If(branches, _) => {
                for (_, _, body) in &mut branches.conditions {
                    texts(body, escape);
                }
                if let Some((_, body)) = &mut branches.otherwise {
                    texts(body, escape);
                }
            }
            _ => {}
        }
        match (joined.last_mut(), node) {
            (Some(Node::Text(before)), Node::Text(text)) => before.push_str(&text),
            (_, node) => joined.push(node),
        }
    }
    *nodes = joined;
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
            // As brief's `t()` fills a placeholder: a string as it is,
            // any other value as JSON writes it.
            Some("hello") => match args.get("name") {
                Some(Value::String(name)) => format!("Hello, {name}"),
                Some(other) => format!("Hello, {other}"),
                None => "Hello, {name}".to_owned(),
            },
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

    /// Templates whose `t()` call fills its string from a name of the page
    /// and becomes the join of the string's text and that name: printed,
    /// filtered, set, passed to a macro, and with a name that holds a
    /// number, a flag or nothing, which `t()` writes as JSON does.
    const JOINED: &[&str] = &[
        r#"{{ t(key="hello", name=who) }}"#,
        r#"{{ t(key="hello", name=who) | upper }}"#,
        r#"{% set x = t(key="hello", name=who) %}{{ x }}"#,
        r#"{{ m::label(text=t(key="hello", name=who)) }}"#,
        r#"{{ t(key="hello", name=n) }}|{{ t(key="hello", name=flag) }}|{{ t(key="hello", name=none) }}"#,
        r#"{{ t(key="hello", name=missing) }}"#,
    ];

    /// Templates with a `t()` call left to run: an argument that is
    /// neither quoted text nor a plain name, a `count`, a name the string
    /// does not use, iterated over, joined with `~`, a condition, a string
    /// the language lacks or refuses.
    const KEPT: &[&str] = &[
        r#"{{ t(key="hello", name=who | upper) }}"#,
        r#"{{ t(key="hello", name=who, count=n) }}"#,
        r#"{{ t(key="hello", name=who, unused=who) }}"#,
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
        context.insert("who", "Kim & <Lee>");
        context.insert("n", &3);
        context.insert("flag", &true);
        context.insert("none", &Value::Null);
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
        for case in FOLDED.iter().chain(JOINED).chain(KEPT) {
            let (plain, folded) = (tera(false, case), tera(true, case));
            // Errors as a kind: a join reports a missing name as a lookup,
            // where the call reported its failed argument.
            match (render(&folded), render(&plain)) {
                (Ok(folded), Ok(plain)) => assert_eq!(folded, plain, "{case}"),
                (folded, plain) => assert!(folded.is_err() && plain.is_err(), "{case}"),
            }
        }
        assert_eq!(
            render(&tera(true, JOINED[0])).unwrap(),
            "Hello, Kim &amp; &lt;Lee&gt;"
        );
        assert_eq!(
            render(&tera(true, JOINED[4])).unwrap(),
            "Hello, 3|Hello, true|Hello, null"
        );
        assert!(render(&tera(true, JOINED[5])).is_err());
        // The cases print what they are about, errors included.
        assert_eq!(
            render(&tera(true, FOLDED[0])).unwrap(),
            "Fish &amp; &quot;chips&quot; &lt;b&gt;"
        );
        assert!(render(&tera(true, KEPT[5])).is_err());
        assert!(render(&tera(true, KEPT[6])).is_err());
    }

    #[test]
    fn only_calls_with_quoted_arguments_in_a_value_place_are_folded() {
        let left = |case: &str| calls_left(&tera(true, case).templates["page.html"]);
        for case in FOLDED.iter().chain(JOINED) {
            assert_eq!(left(case), 0, "{case}");
        }
        for case in JOINED {
            let page = format!("{:?}", tera(true, case).templates["page.html"].ast);
            assert!(page.contains("as_call: true"), "{case}: {page}");
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

    /// A site's view with strings to escape, flags, a number, an empty
    /// string, a missing logo and lists.
    fn site() -> Value {
        serde_json::json!({
            "title": "Fish & \"Chips\" <Desk>",
            "base_path": "/d/",
            "preview": false,
            "rtl": true,
            "logo": null,
            "count": 3,
            "publisher": { "name": "Pub & Co", "url": "" },
            "menu": [
                { "label": "A & B", "url": "/a/" },
                { "label": "C", "url": "/c/" }
            ],
            "none": [],
            "mixed": [{ "label": "x", "n": 1 }]
        })
    }

    const SITE_MACROS: &str = r#"{% macro label(text) %}[{{ text }}]{% endmacro label %}{% macro bad() %}{{ site.title }}{% endmacro bad %}"#;

    /// Templates whose every use of `site` is written in: printed,
    /// filtered, a condition in each place of an `if`, negated, joined and
    /// set, passed to a macro, in a block, and a loop over its lists.
    const SITE_FOLDED: &[&str] = &[
        r#"{{ site.title }}"#,
        r#"{{ site.title | upper }}"#,
        r#"{{ site.title | safe }}"#,
        r#"{% if site.preview %}P{% elif site.rtl %}R{% else %}E{% endif %}"#,
        r#"{% if not site.preview %}N{% endif %}{% if site.preview %}P{% endif %}"#,
        r#"{% if who %}W{% elif site.preview %}P{% elif site.rtl %}R{% else %}E{% endif %}"#,
        r#"{% if nobody %}W{% elif site.rtl %}R{% elif who %}K{% endif %}"#,
        r#"{% if site.logo %}L{% else %}{{ site.publisher.name }}{% endif %}"#,
        r#"{% set u = site.base_path ~ "search/" %}{{ u }}"#,
        r#"{{ m::label(text=site.title) }}"#,
        r#"{% block b %}{{ site.title }}{% endblock b %}"#,
        r#"[{{ site.publisher.url }}]"#,
        r#"{% for e in site.menu %}<a href="{{ e.url }}"{% if current_url == e.url %} class="here"{% endif %}>{{ e.label }}</a>{% endfor %}"#,
        r#"{% for e in site.none %}x{% else %}none{% endfor %}"#,
    ];

    /// Templates where `site` is left to the page: a number, a path it
    /// lacks (an error), joined and printed (unescaped by Tera), with
    /// another condition, loops that read `loop`, a number, the item whole,
    /// or set a variable, and a macro that reads it.
    const SITE_KEPT: &[&str] = &[
        r#"{{ site.count }}"#,
        r#"{{ site.missing }}"#,
        r#"{{ site.base_path ~ "<x>" }}"#,
        r#"{% if site.rtl and who %}T{% endif %}"#,
        r#"{% for e in site.menu %}{{ loop.index }}{{ e.label }}{% endfor %}"#,
        r#"{% for e in site.mixed %}{{ e.n }}{{ e.label }}{% endfor %}"#,
        r#"{% for e in site.menu %}{{ e }}{% endfor %}"#,
        r#"{% for e in site.menu %}{% set x = e.url %}{{ x }}{% endfor %}"#,
        r#"{{ m::bad() }}"#,
    ];

    fn site_tera(fold: bool, name: &str, case: &str) -> Tera {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        let page = format!(r#"{{% import "macros.html" as m %}}{case}"#);
        for (name, text) in [("macros.html", SITE_MACROS), (name, page.as_str())] {
            let template = Template::new(name, None, text).unwrap();
            tera.templates.insert(name.to_owned(), template);
        }
        tera.build_inheritance_chains().unwrap();
        if fold {
            fold_site(&mut tera, &site(), &tera::escape_html).unwrap();
        }
        tera
    }

    fn site_render(tera: &Tera, name: &str) -> Result<String, String> {
        let mut context = Context::new();
        context.insert("site", &site());
        context.insert("who", "Kim");
        context.insert("current_url", "/c/");
        tera.render(name, &context).map_err(|e| format!("{e:?}"))
    }

    /// The uses of `site` and the loops left in a template's text and
    /// blocks.
    fn site_left(template: &Template) -> usize {
        let text = format!("{:?}{:?}", template.ast, template.blocks);
        text.matches("Ident(\"site").count() + text.matches("Forloop(").count()
    }

    #[test]
    fn a_template_with_the_site_written_in_renders_as_it_did() {
        for case in SITE_FOLDED.iter().chain(SITE_KEPT) {
            for name in ["page.html", "page.txt"] {
                let (plain, folded) = (site_tera(false, name, case), site_tera(true, name, case));
                assert_eq!(
                    site_render(&folded, name),
                    site_render(&plain, name),
                    "{case}"
                );
            }
        }
        // The cases print what they are about, errors included.
        let render = |case| site_render(&site_tera(true, "page.html", case), "page.html");
        assert_eq!(
            render(SITE_FOLDED[0]).unwrap(),
            "Fish &amp; &quot;Chips&quot; &lt;Desk&gt;"
        );
        assert_eq!(render(SITE_FOLDED[3]).unwrap(), "R");
        assert_eq!(render(SITE_FOLDED[6]).unwrap(), "R");
        assert_eq!(
            render(SITE_FOLDED[12]).unwrap(),
            r#"<a href="&#x2F;a&#x2F;">A &amp; B</a><a href="&#x2F;c&#x2F;" class="here">C</a>"#
        );
        assert_eq!(render(SITE_FOLDED[13]).unwrap(), "none");
        assert_eq!(render(SITE_KEPT[2]).unwrap(), "/d/<x>");
        assert!(render(SITE_KEPT[1]).is_err());
        assert_eq!(
            render(SITE_KEPT[8]).unwrap(),
            "Fish &amp; &quot;Chips&quot; &lt;Desk&gt;"
        );
    }

    #[test]
    fn only_what_renders_alike_on_every_page_is_written_in() {
        let left =
            |case: &str| site_left(&site_tera(true, "page.html", case).templates["page.html"]);
        for case in SITE_FOLDED {
            assert_eq!(left(case), 0, "{case}");
        }
        for case in SITE_KEPT.iter().filter(|case| !case.contains("m::")) {
            assert!(left(case) > 0, "{case}");
        }
        // Printed where every template is escaped, the title is text.
        let page = &site_tera(true, "page.html", SITE_FOLDED[0]).templates["page.html"];
        assert_eq!(
            format!("{:?}", page.ast.last()),
            r#"Some(Text("Fish &amp; &quot;Chips&quot; &lt;Desk&gt;"))"#
        );
        // Where one is not, it stays a quoted string for the page to print.
        let page = &site_tera(true, "page.txt", SITE_FOLDED[0]).templates["page.txt"];
        assert!(format!("{:?}", page.ast.last()).contains("VariableBlock"));
    }

    #[test]
    fn nothing_of_the_site_is_written_in_where_a_template_names_its_own() {
        for binding in [
            r#"{% set site = "mine" %}"#,
            r#"{% for site in ["a"] %}{% endfor %}"#,
            r#"{% for k, site in ["a"] %}{% endfor %}"#,
        ] {
            let case = format!("{binding}{{% if site.rtl %}}{{{{ site.title }}}}{{% endif %}}");
            let (plain, folded) = (
                site_tera(false, "page.html", &case),
                site_tera(true, "page.html", &case),
            );
            assert_eq!(
                site_render(&folded, "page.html"),
                site_render(&plain, "page.html")
            );
            assert!(site_left(&folded.templates["page.html"]) > 0, "{binding}");
        }
    }
}
