//! Plain-text tables: columns padded to their widest cell, numbers right-aligned, two spaces between
//! columns, no trailing spaces.

use std::io::{self, Write};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

pub struct Table {
    head: Vec<(&'static str, Align)>,
    rows: Vec<Vec<String>>,
    indent: usize,
}

impl Table {
    pub fn new(head: &[(&'static str, Align)]) -> Table {
        Table {
            head: head.to_vec(),
            rows: Vec::new(),
            indent: 0,
        }
    }

    /// Indents every line by `n` spaces.
    pub fn indent(mut self, n: usize) -> Table {
        self.indent = n;
        self
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn write(&self, w: &mut dyn Write) -> io::Result<()> {
        let cols = self.head.len();
        let mut widths: Vec<usize> = self.head.iter().map(|(h, _)| width(h)).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(cols) {
                widths[i] = widths[i].max(width(cell));
            }
        }
        let heads: Vec<String> = self.head.iter().map(|(h, _)| (*h).to_owned()).collect();
        self.line(w, &heads, &widths)?;
        for row in &self.rows {
            self.line(w, row, &widths)?;
        }
        Ok(())
    }

    fn line(&self, w: &mut dyn Write, cells: &[String], widths: &[usize]) -> io::Result<()> {
        let mut text = " ".repeat(self.indent);
        let last = self.head.len().saturating_sub(1);
        for (i, ((_, align), w)) in self.head.iter().zip(widths).enumerate() {
            let cell = cells.get(i).map(String::as_str).unwrap_or("");
            let pad = w.saturating_sub(width(cell));
            match align {
                Align::Right => {
                    text.push_str(&" ".repeat(pad));
                    text.push_str(cell);
                }
                Align::Left => {
                    text.push_str(cell);
                    if i != last {
                        text.push_str(&" ".repeat(pad));
                    }
                }
            }
            if i != last {
                text.push_str("  ");
            }
        }
        writeln!(w, "{}", text.trim_end())
    }
}

/// Display width, counted in characters (good enough for the names and numbers shown here).
fn width(s: &str) -> usize {
    s.chars().count()
}

/// `s` cut to `max` characters, with an ellipsis when cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up() {
        let mut t = Table::new(&[
            ("NAME", Align::Left),
            ("N", Align::Right),
            ("X", Align::Left),
        ]);
        t.row(vec!["a".into(), "1".into(), "z".into()]);
        t.row(vec!["ééé".into(), "100".into(), String::new()]);
        let mut buf = Vec::new();
        t.write(&mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(text, "NAME    N  X\na       1  z\nééé   100\n");
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 4), "abc");
    }
}
