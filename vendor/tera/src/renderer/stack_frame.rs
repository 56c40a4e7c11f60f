use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::Value;

use crate::context::{dotted_pointer, find_byte};
use crate::renderer::for_loop::ForLoop;
use crate::template::Template;

pub type Val<'a> = Cow<'a, Value>;
/// The variables a frame sets: a macro's arguments, a loop's or a
/// template's `{% set %}`s (patched, see PATCHED.md). Looked up for every
/// variable a template prints, frame by frame, and most frames hold none
/// or a few: their names are walked and compared, most told apart by
/// length alone, rather than each lookup hashing the name for every frame
/// it passes. Setting a name already set replaces its value, as a map's
/// insert does.
#[derive(Debug, Default)]
pub struct FrameContext<'a>(Vec<(&'a str, Val<'a>)>);

impl<'a> FrameContext<'a> {
    /// Room for `capacity` variables (a macro's arguments).
    pub fn with_capacity(capacity: usize) -> Self {
        FrameContext(Vec::with_capacity(capacity))
    }

    /// The value of `name`, if the frame sets it.
    #[inline]
    pub fn get(&self, name: &str) -> Option<&Val<'a>> {
        self.0.iter().find(|(set, _)| *set == name).map(|(_, value)| value)
    }

    /// Sets `name` to `value`, replacing what it was set to.
    pub fn insert(&mut self, name: &'a str, value: Val<'a>) {
        match self.0.iter_mut().find(|(set, _)| *set == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name, value)),
        }
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &Val<'a>)> {
        self.0.iter().map(|(name, value)| (*name, value))
    }
}

/// `path` cut at its first dot: the name it starts with, and the rest
/// after the dot (`None` when it has no dot).
#[inline]
pub fn split_path(path: &str) -> (&str, Option<&str>) {
    split_at_dot(path, find_byte(path, b'.'))
}

/// `path` cut at `dot`, the position of its first dot when it has one.
#[inline]
pub fn split_at_dot(path: &str, dot: Option<usize>) -> (&str, Option<&str>) {
    match dot {
        Some(dot) => (&path[..dot], Some(&path[dot + 1..])),
        None => (path, None),
    }
}

/// Gets a value within a value by pointer, keeping lifetime
#[inline]
pub fn value_by_pointer<'a>(pointer: &str, val: &Val<'a>) -> Option<Val<'a>> {
    match *val {
        Cow::Borrowed(r) => dotted_pointer(r, pointer).map(Cow::Borrowed),
        Cow::Owned(ref r) => dotted_pointer(r, pointer).map(|found| Cow::Owned(found.clone())),
    }
}

/// Enumerates the types of stack frames
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FrameType {
    /// Original frame
    Origin,
    /// New frame for macro call
    Macro,
    /// New frame for for loop
    ForLoop,
    /// Include template
    Include,
}

/// Entry in the stack frame
#[derive(Debug)]
pub struct StackFrame<'a> {
    /// Type of stack frame
    pub kind: FrameType,
    /// Frame name for context/debugging
    pub name: &'a str,
    /// Assigned value (via {% set ... %}, {% for ... %}, {% namespace::macro(a=a, b=b) %})
    ///
    /// - {% set ... %} adds to current frame_context
    /// - {% for ... %} builds frame_context before iteration
    /// - {% namespace::macro(a=a, b=b)} builds frame_context before invocation
    context: FrameContext<'a>,
    /// Active template for frame
    pub active_template: &'a Template,
    /// `ForLoop` if frame is for a for loop
    pub for_loop: Option<ForLoop<'a>>,
    /// Macro namespace if MacroFrame
    pub macro_namespace: Option<&'a str>,
}

impl<'a> StackFrame<'a> {
    pub fn new(kind: FrameType, name: &'a str, tpl: &'a Template) -> Self {
        StackFrame {
            kind,
            name,
            context: FrameContext::default(),
            active_template: tpl,
            for_loop: None,
            macro_namespace: None,
        }
    }

    pub fn new_for_loop(name: &'a str, tpl: &'a Template, for_loop: ForLoop<'a>) -> Self {
        StackFrame {
            kind: FrameType::ForLoop,
            name,
            context: FrameContext::default(),
            active_template: tpl,
            for_loop: Some(for_loop),
            macro_namespace: None,
        }
    }

    pub fn new_macro(
        name: &'a str,
        tpl: &'a Template,
        macro_namespace: &'a str,
        context: FrameContext<'a>,
    ) -> Self {
        StackFrame {
            kind: FrameType::Macro,
            name,
            context,
            active_template: tpl,
            for_loop: None,
            macro_namespace: Some(macro_namespace),
        }
    }

    pub fn new_include(name: &'a str, tpl: &'a Template) -> Self {
        StackFrame {
            kind: FrameType::Include,
            name,
            context: FrameContext::default(),
            active_template: tpl,
            for_loop: None,
            macro_namespace: None,
        }
    }

    /// Finds a value in the stack frame: `key`, split at its first dot
    /// into `root` and `tail` by the caller (patched: a lookup splits the
    /// path once for every frame it passes, where each frame searched it
    /// for the dot again, twice).
    /// Looks first in `frame_context`, then compares to for_loop key_name and value_name.
    pub fn find_value(&self, key: &str, root: &str, tail: Option<&str>) -> Option<Val<'a>> {
        self.find_value_in_frame(key, root, tail)
            .or_else(|| self.find_value_in_for_loop(key, root, tail))
    }

    /// Finds a value in `frame_context`.
    fn find_value_in_frame(&self, key: &str, root: &str, tail: Option<&str>) -> Option<Val<'a>> {
        match tail {
            Some(tail) => self.context.get(root).and_then(|v| value_by_pointer(tail, v)),
            None => self.context.get(key).cloned(),
        }
    }

    /// Finds a value in the `for_loop` if there is one
    fn find_value_in_for_loop(&self, key: &str, root: &str, tail: Option<&str>) -> Option<Val<'a>> {
        if let Some(ref for_loop) = self.for_loop {
            // 1st case: the variable is the key of a KeyValue for loop
            if for_loop.is_key(key) {
                return Some(Cow::Owned(Value::String(for_loop.get_current_key())));
            }

            let (real_key, tail) = (root, tail.unwrap_or(""));

            // 2nd case: one of Tera loop built-in variable
            if real_key == "loop" {
                match tail {
                    "index" => {
                        return Some(Cow::Owned(Value::Number((for_loop.current + 1).into())));
                    }
                    "index0" => {
                        return Some(Cow::Owned(Value::Number(for_loop.current.into())));
                    }
                    "first" => {
                        return Some(Cow::Owned(Value::Bool(for_loop.current == 0)));
                    }
                    "last" => {
                        return Some(Cow::Owned(Value::Bool(
                            for_loop.current == for_loop.len() - 1,
                        )));
                    }
                    _ => return None,
                };
            }

            // Last case: the variable is/starts with the value name of the for loop
            // The `set` case will have been taken into account before

            // Exact match to the loop value and no tail
            if key == for_loop.value_name {
                return Some(for_loop.get_current_value());
            }

            if real_key == for_loop.value_name && !tail.is_empty() {
                return value_by_pointer(tail, &for_loop.get_current_value());
            }
        }

        None
    }

    /// Insert a value in the context
    pub fn insert(&mut self, key: &'a str, value: Val<'a>) {
        self.context.insert(key, value);
    }

    /// Context is cleared on each loop
    pub fn clear_context(&mut self) {
        if self.for_loop.is_some() {
            self.context.clear();
        }
    }

    pub fn context_owned(&self) -> HashMap<String, Value> {
        let mut context = HashMap::new();

        for (key, val) in self.context.iter() {
            context.insert(key.to_string(), val.clone().into_owned());
        }

        context
    }
}
