//! Architecture invariants checked by reading the source: the simulation core stays browser-free
//! and deterministic.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Lines of code (comments stripped) in `src/<dir>` containing any of `needles`.
fn offending_lines(dir: &str, needles: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let mut hits = Vec::new();
    for file in rust_files(&root) {
        let text = fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for needle in needles {
                if code.contains(needle) {
                    hits.push(format!(
                        "{}:{}: `{needle}` in: {}",
                        file.display(),
                        n + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    hits
}

#[test]
fn core_names_no_browser_crate() {
    let hits: Vec<String> = ["sim", "exact"]
        .iter()
        .flat_map(|dir| {
            offending_lines(
                dir,
                &[
                    "web_sys",
                    "js_sys",
                    "wasm_bindgen",
                    "gloo",
                    "yew",
                    "plotters",
                ],
            )
        })
        .collect();
    assert!(
        hits.is_empty(),
        "the simulation core must stay browser-free:\n{}",
        hits.join("\n")
    );
}

#[test]
fn core_is_deterministic_by_construction() {
    let hits: Vec<String> = ["sim", "exact"]
        .iter()
        .flat_map(|dir| {
            offending_lines(
                dir,
                &[
                    "HashMap",
                    "HashSet",
                    "Instant",
                    "SystemTime",
                    "thread_rng",
                    "SmallRng",
                    "StdRng",
                    "getrandom",
                    "DefaultHasher",
                ],
            )
        })
        .collect();
    assert!(
        hits.is_empty(),
        "the simulation core must not use hash-map iteration, clocks or OS randomness:\n{}",
        hits.join("\n")
    );
}

#[test]
fn scenario_layer_names_no_browser_crate() {
    let hits = offending_lines(
        "scenario",
        &["web_sys", "js_sys", "wasm_bindgen", "gloo", "yew::"],
    );
    assert!(
        hits.is_empty(),
        "the scenario layer must stay browser-free:\n{}",
        hits.join("\n")
    );
}

#[test]
fn lessons_are_browser_free_and_deterministic() {
    let hits = offending_lines(
        "lesson",
        &[
            "web_sys",
            "js_sys",
            "wasm_bindgen",
            "gloo",
            "yew::",
            "HashMap",
            "HashSet",
            "Instant",
            "SystemTime",
            "std::fs",
        ],
    );
    assert!(
        hits.is_empty(),
        "the lesson core must stay pure (no browser, clock, hash-map order or disk):\n{}",
        hits.join("\n")
    );
}

#[test]
fn only_web_and_ui_touch_the_browser() {
    for dir in ["report", "sim", "scenario", "lesson", "study"] {
        let hits = offending_lines(dir, &["web_sys::", "gloo::"]);
        assert!(
            hits.is_empty(),
            "{dir} must not touch the browser:\n{}",
            hits.join("\n")
        );
    }
}

#[test]
fn no_test_is_ignored() {
    // Built from pieces so that this file does not match itself.
    let attribute = ["#[", "ignore"].concat();
    let doctest = ["```", "ignore"].concat();
    let mut hits = Vec::new();
    for dir in ["src", "tests"] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        for file in rust_files(&root) {
            let text = fs::read_to_string(&file).unwrap();
            for (n, line) in text.lines().enumerate() {
                if line.contains(&attribute) || line.contains(&doctest) {
                    hits.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        hits.is_empty(),
        "every test runs; remove or fix these:\n{}",
        hits.join("\n")
    );
}

// --- size limits and the direction of dependencies ---------------------------------------------

/// Files under `src/` at most this many lines (a file's `#[cfg(test)] mod` at its end excepted).
const MAX_FILE_LINES: usize = 600;
/// Functions under `src/` at most this many lines (tests excepted).
const MAX_FN_LINES: usize = 120;

fn src_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Whether a whole file is test code: `tests.rs`, `*_tests.rs` or inside a `tests/` folder.
fn is_test_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name == "tests.rs"
        || name.ends_with("_tests.rs")
        || path.components().any(|c| c.as_os_str() == "tests")
}

/// The lines of a file up to its trailing test module (`#[cfg(test)]` before a `mod`).
fn code_lines(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.trim() == "#[cfg(test)]"
            && lines[i + 1..]
                .iter()
                .find(|l| !l.trim().is_empty() && !l.trim().starts_with("#["))
                .is_some_and(|l| l.trim_start().starts_with("mod ") || l.contains(" mod "))
        {
            return lines[..i].to_vec();
        }
    }
    lines
}

/// Blanks out comments, string and char literals (keeping line breaks), so that braces can be
/// counted. Handles `//`, nested `/* */`, `"…"` with escapes, raw strings `r#"…"#`, and tells
/// char literals from lifetimes.
fn strip_literals(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let keep_newlines = |s: &[char], out: &mut String| {
        for &c in s {
            out.push(if c == '\n' { '\n' } else { ' ' });
        }
    };
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            let end = (i..b.len()).find(|&j| b[j] == '\n').unwrap_or(b.len());
            keep_newlines(&b[i..end], &mut out);
            i = end;
        } else if c == '/' && next == Some('*') {
            let (mut depth, mut j) = (1, i + 2);
            while j < b.len() && depth > 0 {
                if b[j] == '/' && b.get(j + 1) == Some(&'*') {
                    depth += 1;
                    j += 1;
                } else if b[j] == '*' && b.get(j + 1) == Some(&'/') {
                    depth -= 1;
                    j += 1;
                }
                j += 1;
            }
            keep_newlines(&b[i..j.min(b.len())], &mut out);
            i = j;
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && (i == 0 || !(b[i - 1].is_alphanumeric() || b[i - 1] == '_'))
        {
            let hashes = b[i + 1..].iter().take_while(|&&h| h == '#').count();
            if b.get(i + 1 + hashes) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let mut j = i + 2 + hashes;
            while j < b.len()
                && !(b[j] == '"'
                    && b[j + 1..]
                        .iter()
                        .take(hashes)
                        .filter(|&&h| h == '#')
                        .count()
                        == hashes)
            {
                j += 1;
            }
            let end = (j + 1 + hashes).min(b.len());
            keep_newlines(&b[i..end], &mut out);
            i = end;
        } else if c == '"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != '"' {
                j += if b[j] == '\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(b.len());
            keep_newlines(&b[i..end], &mut out);
            i = end;
        } else if c == '\'' {
            // A char literal is 'x' or '\…'; anything else is a lifetime or a label.
            let end = if next == Some('\\') {
                (i + 2..b.len())
                    .find(|&j| b[j] == '\'' && j > i + 2)
                    .map(|j| j + 1)
            } else if b.get(i + 2) == Some(&'\'') {
                Some(i + 3)
            } else {
                None
            };
            match end {
                Some(end) => {
                    keep_newlines(&b[i..end], &mut out);
                    i = end;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// `(name, first line, line count)` of every `fn` with a body in `code` (literals stripped).
fn functions(code: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let Some(pos) = find_fn_keyword(line) else {
            continue;
        };
        let name: String = line[pos + 3..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        // The body opens at the first `{` before any `;` (a `;` first means no body).
        let (mut depth, mut opened, mut end) = (0i64, false, None);
        'scan: for (m, l) in lines.iter().enumerate().skip(n) {
            let start = if m == n { pos } else { 0 };
            for ch in l[start..].chars() {
                match ch {
                    ';' if !opened => break 'scan,
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => {
                        depth -= 1;
                        if opened && depth == 0 {
                            end = Some(m);
                            break 'scan;
                        }
                    }
                    _ => {}
                }
            }
        }
        if let Some(end) = end {
            found.push((name, n + 1, end - n + 1));
        }
    }
    found
}

/// Where the keyword `fn` of an item starts on `line`, if it has one.
fn find_fn_keyword(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut from = 0;
    while let Some(off) = line[from..].find("fn ") {
        let at = from + off;
        let before_ok =
            at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_');
        let after = line[at + 3..].chars().next();
        if before_ok && after.is_some_and(|c| c.is_alphabetic() || c == '_') {
            return Some(at);
        }
        from = at + 3;
    }
    None
}

#[test]
fn source_files_and_functions_stay_small() {
    let mut problems = Vec::new();
    for file in rust_files(&src_root()) {
        if is_test_file(&file) {
            continue;
        }
        let text = fs::read_to_string(&file).unwrap();
        let code = code_lines(&text);
        if code.len() > MAX_FILE_LINES {
            problems.push(format!(
                "{}: {} lines (at most {MAX_FILE_LINES})",
                file.display(),
                code.len()
            ));
        }
        for (name, line, len) in functions(&strip_literals(&code.join("\n"))) {
            if len > MAX_FN_LINES {
                problems.push(format!(
                    "{}:{line}: fn {name} is {len} lines (at most {MAX_FN_LINES})",
                    file.display()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "split these:\n{}", problems.join("\n"));
}

#[test]
fn the_size_checks_measure_what_they_claim() {
    let code = "fn a() {\n    let s = \"}\";\n    let c = '{';\n    // }\n}\nfn b<'x>(v: &'x u8) -> u8 {\n    *v\n}\ntrait T { fn c(&self); }\n";
    let found = functions(&strip_literals(code));
    assert_eq!(
        found,
        vec![("a".to_string(), 1, 5), ("b".to_string(), 6, 3)],
        "braces in strings, chars and comments must not count; a fn without a body is skipped"
    );
    let text = "fn a() {}\n#[cfg(test)]\nmod tests {\n    fn t() {}\n}\n";
    assert_eq!(code_lines(text), vec!["fn a() {}"]);
}

/// The module path (`["sim", "control", "health"]`) of a file under `src/`.
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src_root()).unwrap();
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| {
            c.as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string()
        })
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// Every path a file names through `use` or inline (`crate::…`, `super::…`, `self::…`), with
/// `use` groups expanded, resolved against the file's module.
fn named_paths(module: &[String], code: &str) -> Vec<Vec<String>> {
    let mut raw = Vec::new();
    for stmt in code.split(';') {
        let stmt = stmt.trim();
        if let Some(rest) = stmt
            .strip_prefix("pub use ")
            .or(stmt.strip_prefix("use "))
            .or_else(|| {
                stmt.find(" use ")
                    .map(|p| &stmt[p + 5..])
                    .filter(|_| stmt.starts_with("pub("))
            })
        {
            expand_use("", rest, &mut raw);
        }
    }
    let flat: String = code
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(off) = flat[from..].find(start) {
            let at = from + off;
            let prev = flat[..at].chars().last();
            if !prev.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                let path: String = flat[at..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                raw.push(path.trim_end_matches(':').to_string());
            }
            from = at + start.len();
        }
    }
    raw.iter().filter_map(|p| resolve(module, p)).collect()
}

fn expand_use(prefix: &str, tree: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head = format!("{prefix}{}", &tree[..open]);
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let (mut depth, mut last) = (0, 0);
        for (i, ch) in inner.char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand_use(&head, &inner[last..i], out);
                    last = i + 1;
                }
                _ => {}
            }
        }
        expand_use(&head, &inner[last..], out);
    } else if !tree.is_empty() {
        let path = format!("{prefix}{tree}");
        out.push(path.split(" as ").next().unwrap().trim().to_string());
    }
}

/// The module a path ends in (the longest prefix that is a module file of the crate).
fn resolve(module: &[String], path: &str) -> Option<Vec<String>> {
    let segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut at: Vec<String> = match segs.first()? {
        &"crate" => Vec::new(),
        &"super" | &"self" => module.to_vec(),
        _ => return None,
    };
    let mut rest = &segs[1..];
    if segs[0] == "super" {
        at.pop();
    }
    while rest.first() == Some(&"super") {
        at.pop();
        rest = &rest[1..];
    }
    for seg in rest {
        let mut next = at.clone();
        next.push(seg.to_string());
        let dir = src_root().join(next.join("/"));
        if dir.with_extension("rs").is_file() || dir.join("mod.rs").is_file() {
            at = next;
        } else {
            break;
        }
    }
    Some(at)
}

/// Edges between sibling modules: for a file in `a` naming something in `b`, the children of
/// their common parent that hold each (names of an ancestor — the façade's re-exports — and of
/// the file's own descendants are not edges).
fn sibling_edges(dir: &str) -> std::collections::BTreeSet<(Vec<String>, Vec<String>)> {
    let mut edges = std::collections::BTreeSet::new();
    for file in rust_files(&src_root().join(dir)) {
        let module = module_of(&file);
        let text = fs::read_to_string(&file).unwrap();
        let code = strip_literals(&code_lines(&text).join("\n"));
        for target in named_paths(&module, &code) {
            let common = module
                .iter()
                .zip(&target)
                .take_while(|(a, b)| a == b)
                .count();
            if common == module.len() || common == target.len() || common == 0 {
                continue;
            }
            edges.insert((module[..=common].to_vec(), target[..=common].to_vec()));
        }
    }
    edges
}

/// A circle in the directed graph `edges`, if there is one, as its module names.
fn find_circle(
    edges: &std::collections::BTreeSet<(Vec<String>, Vec<String>)>,
) -> Option<Vec<String>> {
    let nodes: std::collections::BTreeSet<&Vec<String>> =
        edges.iter().flat_map(|(a, b)| [a, b]).collect();
    fn visit<'a>(
        n: &'a Vec<String>,
        edges: &'a std::collections::BTreeSet<(Vec<String>, Vec<String>)>,
        state: &mut std::collections::BTreeMap<&'a Vec<String>, u8>,
        stack: &mut Vec<&'a Vec<String>>,
    ) -> Option<Vec<String>> {
        state.insert(n, 1);
        stack.push(n);
        for (_, m) in edges.iter().filter(|(a, _)| a == n) {
            match state.get(m).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|s| *s == m).unwrap();
                    let mut circle: Vec<String> =
                        stack[from..].iter().map(|s| s.join("::")).collect();
                    circle.push(m.join("::"));
                    return Some(circle);
                }
                0 => {
                    if let Some(c) = visit(m, edges, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n, 2);
        None
    }
    let mut state = std::collections::BTreeMap::new();
    for n in nodes {
        if state.get(n).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(n, edges, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn sim_modules_import_no_circle() {
    let edges = sibling_edges("sim");
    assert!(
        !edges.is_empty(),
        "the dependency scan found no edge at all: it is broken"
    );
    if let Some(circle) = find_circle(&edges) {
        panic!(
            "src/sim modules import each other in a circle: {}",
            circle.join(" → ")
        );
    }
}

#[test]
fn the_circle_check_finds_circles() {
    let m = |s: &str| s.split("::").map(String::from).collect::<Vec<_>>();
    let module = m("sim::control::health");
    assert_eq!(
        resolve(&module, "super::super::metrics::Cause"),
        Some(m("sim::metrics"))
    );
    let mut uses = Vec::new();
    expand_use("", "super::{a::{B, c}, d as e}", &mut uses);
    assert_eq!(uses, vec!["super::a::B", "super::a::c", "super::d"]);
    let edges = [
        (m("sim::a"), m("sim::b")),
        (m("sim::b"), m("sim::c")),
        (m("sim::c"), m("sim::a")),
    ];
    let circle = find_circle(&edges.iter().cloned().collect()).expect("a → b → c → a");
    assert_eq!(circle.first(), circle.last());
    assert_eq!(find_circle(&edges[..2].iter().cloned().collect()), None);
}

#[test]
fn web_does_not_import_ui() {
    let hits = offending_lines("web", &["crate::ui", "super::ui"]);
    assert!(
        hits.is_empty(),
        "dependencies point one way (ui → web): the binary mounts the app:\n{}",
        hits.join("\n")
    );
}
