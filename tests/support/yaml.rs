//! A YAML tree for tests that read CI files (action.yml, the CI templates) as data: enough for
//! them (no anchors or aliases; tags such as GitLab's `!reference` are ignored).
#![allow(dead_code)]

use saphyr_parser::{Event, Parser};

#[derive(Debug, Clone)]
pub enum Yaml {
    Scalar(String),
    Seq(Vec<Yaml>),
    Map(Vec<(String, Yaml)>),
}

impl Yaml {
    pub fn get(&self, key: &str) -> Option<&Yaml> {
        match self {
            Yaml::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn str(&self) -> Option<&str> {
        match self {
            Yaml::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(String, Yaml)] {
        match self {
            Yaml::Map(entries) => entries,
            other => panic!("expected a mapping, found {other:?}"),
        }
    }

    pub fn items(&self) -> &[Yaml] {
        match self {
            Yaml::Seq(items) => items,
            other => panic!("expected a sequence, found {other:?}"),
        }
    }
}

pub fn parse_yaml(text: &str) -> Yaml {
    enum Frame {
        Seq(Vec<Yaml>),
        Map(Vec<(String, Yaml)>, Option<String>),
    }
    fn push(stack: &mut [Frame], value: Yaml, root: &mut Option<Yaml>) {
        match stack.last_mut() {
            None => *root = Some(value),
            Some(Frame::Seq(items)) => items.push(value),
            Some(Frame::Map(entries, key)) => match key.take() {
                Some(k) => entries.push((k, value)),
                None => match value {
                    Yaml::Scalar(k) => *key = Some(k),
                    other => panic!("non-scalar mapping key {other:?}"),
                },
            },
        }
    }
    let mut stack = Vec::new();
    let mut root = None;
    for event in Parser::new_from_str(text) {
        let (event, _span) = event.expect("valid YAML");
        match event {
            Event::Scalar(value, ..) => {
                push(&mut stack, Yaml::Scalar(value.into_owned()), &mut root)
            }
            Event::SequenceStart(..) => stack.push(Frame::Seq(Vec::new())),
            Event::MappingStart(..) => stack.push(Frame::Map(Vec::new(), None)),
            Event::SequenceEnd | Event::MappingEnd => {
                let value = match stack.pop() {
                    Some(Frame::Seq(items)) => Yaml::Seq(items),
                    Some(Frame::Map(entries, None)) => Yaml::Map(entries),
                    Some(Frame::Map(_, Some(key))) => panic!("key {key} without a value"),
                    None => panic!("unbalanced YAML events"),
                };
                push(&mut stack, value, &mut root);
            }
            Event::Alias(_) => panic!("no aliases expected"),
            _ => {}
        }
    }
    root.expect("a YAML document")
}
