//! The layer check: inside each crate of ModelOps, no modules that use each other in a circle.
//!
//! The crates themselves are layered by Cargo (domain ← store ← core ← app and CLI): a lower crate cannot
//! name a higher one. Inside a crate the compiler allows any module to use any other, so this test parses
//! every module (with `syn`), collects the `crate::` / `super::` / `self::` paths it uses outside its
//! `#[cfg(test)]` parts, and fails on any strongly connected group of two or more modules, naming them and
//! the lines that tie them together. See docs/adr/0018-layers.md.
//!
//! Re-exports at a crate's root (`pub use modelops_domain::types`) are not modules of that crate, and a path
//! through the root (`crate::Result`) is not counted as using the root: the root is where everything is
//! declared, not a layer.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

type ModPath = Vec<String>;

/// A module that uses another, and where.
#[derive(Debug, Clone)]
struct Use {
    to: ModPath,
    at: String,
}

#[derive(Default)]
struct Graph {
    modules: BTreeSet<ModPath>,
    uses: BTreeMap<ModPath, Vec<Use>>,
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Meta>()
                .is_ok_and(|m| m.path().is_ident("test"))
    })
}

/// Parses the module in `file` (named `path`) and the module files it declares, recursively.
fn load(graph: &mut Graph, file: &Path, dir_of_children: &Path, path: ModPath) {
    let text = std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("can't read {}: {e}", file.display()));
    let ast =
        syn::parse_file(&text).unwrap_or_else(|e| panic!("can't parse {}: {e}", file.display()));
    graph.modules.insert(path.clone());
    let mut collector = Collector {
        current: path.clone(),
        file: file.display().to_string(),
        found: Vec::new(),
    };
    for item in &ast.items {
        collector.visit_item(item);
    }
    graph
        .uses
        .entry(path.clone())
        .or_default()
        .extend(collector.found);
    for item in &ast.items {
        let syn::Item::Mod(m) = item else { continue };
        if is_cfg_test(&m.attrs) || m.content.is_some() {
            continue;
        }
        let name = m.ident.to_string();
        let mut child = path.clone();
        child.push(name.clone());
        let flat = dir_of_children.join(format!("{name}.rs"));
        let nested = dir_of_children.join(&name).join("mod.rs");
        if flat.is_file() {
            load(graph, &flat, &dir_of_children.join(&name), child);
        } else if nested.is_file() {
            load(graph, &nested, &dir_of_children.join(&name), child);
        } else {
            panic!("module {name} of {} has no file", file.display());
        }
    }
}

struct Collector {
    current: ModPath,
    file: String,
    found: Vec<Use>,
}

impl Collector {
    /// `segments` as an absolute module path, if it starts at this crate.
    fn absolute(&self, segments: &[String]) -> Option<ModPath> {
        let (first, rest) = segments.split_first()?;
        let mut base = match first.as_str() {
            "crate" => Vec::new(),
            "self" => self.current.clone(),
            "super" => {
                let mut p = self.current.clone();
                p.pop()?;
                p
            }
            _ => return None,
        };
        let mut rest = rest;
        while let Some((s, r)) = rest.split_first() {
            if s != "super" {
                break;
            }
            base.pop()?;
            rest = r;
        }
        base.extend(rest.iter().cloned());
        Some(base)
    }

    fn record(&mut self, segments: Vec<String>, line: usize) {
        if let Some(to) = self.absolute(&segments) {
            self.found.push(Use {
                to,
                at: format!("{}:{line}", self.file),
            });
        }
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree, line: usize) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree, line);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let mut full = prefix.clone();
                if n.ident != "self" {
                    full.push(n.ident.to_string());
                }
                self.record(full, line);
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix.clone();
                full.push(r.ident.to_string());
                self.record(full, line);
            }
            syn::UseTree::Glob(_) => self.record(prefix.clone(), line),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t, line);
                }
            }
        }
    }
}

impl Collector {
    fn tokens(&mut self, tokens: proc_macro2::TokenStream) {
        use proc_macro2::TokenTree;
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < trees.len() {
            match &trees[i] {
                TokenTree::Group(g) => self.tokens(g.stream()),
                TokenTree::Ident(id)
                    if matches!(id.to_string().as_str(), "crate" | "super" | "self") =>
                {
                    let line = id.span().start().line;
                    let mut segments = vec![id.to_string()];
                    // ident (:: ident)*, where `::` is two ':' puncts.
                    while let (
                        Some(TokenTree::Punct(a)),
                        Some(TokenTree::Punct(b)),
                        Some(TokenTree::Ident(next)),
                    ) = (trees.get(i + 1), trees.get(i + 2), trees.get(i + 3))
                    {
                        if a.as_char() != ':' || b.as_char() != ':' {
                            break;
                        }
                        segments.push(next.to_string());
                        i += 3;
                    }
                    self.record(segments, line);
                }
                _ => {}
            }
            i += 1;
        }
    }
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        // Test modules may use anything; a module file is visited on its own (in `load`).
        if is_cfg_test(&m.attrs) || m.content.is_none() {
            return;
        }
        syn::visit::visit_item_mod(self, m);
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if !is_cfg_test(&f.attrs) {
            syn::visit::visit_item_fn(self, f);
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        if is_cfg_test(&u.attrs) {
            return;
        }
        let line = u.use_token.span.start().line;
        self.use_tree(&mut Vec::new(), &u.tree, line);
    }

    /// Macro arguments are tokens, not syntax (`vec![crate::a::f]`): paths in them are found token by token.
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.visit_path(&m.path);
        self.tokens(m.tokens.clone());
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        let line = p
            .segments
            .first()
            .map(|s| s.ident.span().start().line)
            .unwrap_or(0);
        self.record(segments, line);
        syn::visit::visit_path(self, p);
    }
}

impl Graph {
    /// The module a path lands in: its longest prefix that is a module.
    fn module_of(&self, path: &[String]) -> ModPath {
        (0..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|p| self.modules.contains(p))
            .unwrap_or_default()
    }

    /// Module → the other modules it uses, with one place each does.
    fn edges(&self) -> BTreeMap<ModPath, BTreeMap<ModPath, String>> {
        let mut edges: BTreeMap<ModPath, BTreeMap<ModPath, String>> = BTreeMap::new();
        for (from, uses) in &self.uses {
            for u in uses {
                let to = self.module_of(&u.to);
                if to.is_empty() || from.is_empty() || &to == from {
                    continue;
                }
                edges
                    .entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_insert_with(|| u.at.clone());
            }
        }
        edges
    }

    /// Groups of modules that use each other in a circle (Tarjan's strongly connected components).
    fn cycles(&self) -> Vec<Vec<ModPath>> {
        let edges = self.edges();
        let nodes: Vec<ModPath> = self.modules.iter().cloned().collect();
        let index_of: BTreeMap<&ModPath, usize> =
            nodes.iter().enumerate().map(|(i, n)| (n, i)).collect();
        let succ: Vec<Vec<usize>> = nodes
            .iter()
            .map(|n| {
                edges
                    .get(n)
                    .map(|m| m.keys().filter_map(|t| index_of.get(t).copied()).collect())
                    .unwrap_or_default()
            })
            .collect();
        struct T<'a> {
            succ: &'a [Vec<usize>],
            index: Vec<Option<usize>>,
            low: Vec<usize>,
            on_stack: Vec<bool>,
            stack: Vec<usize>,
            next: usize,
            groups: Vec<Vec<usize>>,
        }
        fn connect(t: &mut T<'_>, v: usize) {
            t.index[v] = Some(t.next);
            t.low[v] = t.next;
            t.next += 1;
            t.stack.push(v);
            t.on_stack[v] = true;
            for &w in &t.succ[v] {
                match t.index[w] {
                    None => {
                        connect(t, w);
                        t.low[v] = t.low[v].min(t.low[w]);
                    }
                    Some(iw) if t.on_stack[w] => t.low[v] = t.low[v].min(iw),
                    Some(_) => {}
                }
            }
            if Some(t.low[v]) == t.index[v] {
                let mut group = Vec::new();
                while let Some(w) = t.stack.pop() {
                    t.on_stack[w] = false;
                    group.push(w);
                    if w == v {
                        break;
                    }
                }
                if group.len() > 1 {
                    t.groups.push(group);
                }
            }
        }
        let n = nodes.len();
        let mut t = T {
            succ: &succ,
            index: vec![None; n],
            low: vec![0; n],
            on_stack: vec![false; n],
            stack: Vec::new(),
            next: 0,
            groups: Vec::new(),
        };
        for v in 0..n {
            if t.index[v].is_none() {
                connect(&mut t, v);
            }
        }
        t.groups
            .into_iter()
            .map(|g| {
                let mut g: Vec<ModPath> = g.into_iter().map(|i| nodes[i].clone()).collect();
                g.sort();
                g
            })
            .collect()
    }

    fn describe(&self, group: &[ModPath]) -> String {
        let edges = self.edges();
        let members: BTreeSet<&ModPath> = group.iter().collect();
        let mut out = format!(
            "modules in a circle: {}\n",
            group
                .iter()
                .map(|m| m.join("::"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for from in group {
            for (to, at) in edges.get(from).into_iter().flatten() {
                if members.contains(to) {
                    out.push_str(&format!(
                        "  {} uses {} ({at})\n",
                        from.join("::"),
                        to.join("::")
                    ));
                }
            }
        }
        out
    }
}

fn graph_of(root_file: &Path) -> Graph {
    let mut graph = Graph::default();
    let dir = root_file.parent().expect("a folder").to_owned();
    load(&mut graph, root_file, &dir, Vec::new());
    graph
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn assert_acyclic(name: &str, root_file: &str, at_least: usize) {
    let graph = graph_of(&repo().join(root_file));
    // A check that found no modules would pass whatever the code does.
    assert!(
        graph.modules.len() > at_least,
        "{name}: only {} modules found under {root_file}",
        graph.modules.len()
    );
    let cycles = graph.cycles();
    let report: String = cycles.iter().map(|g| graph.describe(g)).collect();
    assert!(
        cycles.is_empty(),
        "{name} has modules that use each other in a circle:\n{report}"
    );
}

#[test]
fn the_domain_has_no_module_cycles() {
    assert_acyclic("modelops-domain", "src-tauri/domain/src/lib.rs", 10);
}

#[test]
fn the_store_has_no_module_cycles() {
    assert_acyclic("modelops-store", "src-tauri/store/src/lib.rs", 6);
}

#[test]
fn the_operations_have_no_module_cycles() {
    assert_acyclic("modelops-core", "src-tauri/core/src/lib.rs", 12);
}

#[test]
fn the_app_shell_has_no_module_cycles() {
    assert_acyclic("modelops (the desktop app)", "src-tauri/lib.rs", 6);
}

#[test]
fn the_command_line_has_no_module_cycles() {
    assert_acyclic("modelops-cli", "src-tauri/cli/src/lib.rs", 2);
}

/// The check itself can fail: two modules that use each other (one through `super::`, one through a use
/// group; a test module's use is ignored) are reported with both lines, and so are two that use each other
/// only inside macro arguments.
#[test]
fn a_circle_is_found_and_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("lib.rs"),
        "mod a;\nmod b;\nmod c;\nmod d;\nmod e;\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a.rs"),
        "use crate::{c::C, b::{self}};\npub fn f() -> b::B { b::B }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.rs"),
        "pub struct B;\npub fn g() { super::a::f(); }\n#[cfg(test)]\nmod tests { use crate::c::C; }\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("c.rs"), "pub struct C;\n").unwrap();
    // Only inside a macro's arguments: still a use.
    std::fs::write(
        dir.path().join("d.rs"),
        "pub fn h() -> Vec<u8> { vec![crate::e::X] }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("e.rs"),
        "pub const X: u8 = 1;\npub fn k() { println!(\"{}\", crate::d::h().len()); }\n",
    )
    .unwrap();
    let graph = graph_of(&dir.path().join("lib.rs"));
    let cycles = graph.cycles();
    let names: Vec<Vec<String>> = cycles
        .iter()
        .map(|g| g.iter().map(|m| m.join("::")).collect())
        .collect();
    assert_eq!(names, vec![vec!["a", "b"], vec!["d", "e"]]);
    let report = graph.describe(&cycles[0]);
    assert!(
        report.contains("a uses b") && report.contains("b uses a"),
        "{report}"
    );
    assert!(report.contains("b.rs:2"), "{report}");
}
