//! A small document model (sections of paragraphs, lists and tables, with citations) that the
//! incident report is written in once and rendered as Markdown or as self-contained HTML.

use std::fmt::Write;

/// A run of text.
#[derive(Clone, Debug)]
pub(crate) enum Inline {
    Text(String),
    Strong(String),
    Code(String),
    /// A reference to the numbered source list, with the evidence grade of the statement.
    Cite(usize, &'static str),
}

pub(crate) type Line = Vec<Inline>;

#[derive(Clone, Debug)]
pub(crate) enum Block {
    Paragraph(Line),
    List(Vec<Line>),
    Table { header: Vec<String>, rows: Vec<Vec<Line>> },
    Subheading(String),
}

#[derive(Clone, Debug)]
pub(crate) struct Section {
    pub(crate) title: String,
    pub(crate) blocks: Vec<Block>,
}

/// A numbered source.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Reference {
    pub(crate) title: String,
    pub(crate) url: Option<String>,
    /// What the reference is: "provider report", "catalogue file"…
    pub(crate) note: String,
}

#[derive(Clone, Debug)]
pub(crate) struct Document {
    pub(crate) title: String,
    pub(crate) lead: Line,
    pub(crate) sections: Vec<Section>,
    pub(crate) references: Vec<Reference>,
}

pub(crate) fn text(value: impl Into<String>) -> Inline {
    Inline::Text(value.into())
}

pub(crate) fn code(value: impl Into<String>) -> Inline {
    Inline::Code(value.into())
}

pub(crate) fn strong(value: impl Into<String>) -> Inline {
    Inline::Strong(value.into())
}

fn markdown_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '*' | '[' | ']' | '|' | '<' | '>' | '`' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn markdown_line(line: &Line) -> String {
    let mut out = String::new();
    for inline in line {
        match inline {
            Inline::Text(value) => out.push_str(&markdown_escape(value)),
            Inline::Strong(value) => {
                let _ = write!(out, "**{}**", markdown_escape(value));
            }
            Inline::Code(value) => {
                let _ = write!(out, "`{}`", value.replace('`', "'"));
            }
            Inline::Cite(n, grade) => {
                let _ = write!(out, " [\\[{n}·{grade}\\]](#ref-{n})");
            }
        }
    }
    out
}

/// The document as GitHub-flavoured Markdown.
pub(crate) fn markdown(document: &Document) -> String {
    let mut out =
        format!("# {}\n\n{}\n", markdown_escape(&document.title), markdown_line(&document.lead));
    for section in &document.sections {
        let _ = write!(out, "\n## {}\n", section.title);
        for block in &section.blocks {
            out.push('\n');
            match block {
                Block::Paragraph(line) => {
                    out.push_str(&markdown_line(line));
                    out.push('\n');
                }
                Block::Subheading(title) => {
                    let _ = writeln!(out, "### {title}");
                }
                Block::List(items) => {
                    for item in items {
                        let _ = writeln!(out, "- {}", markdown_line(item));
                    }
                }
                Block::Table { header, rows } => {
                    let _ = writeln!(out, "| {} |", header.join(" | "));
                    let _ = writeln!(out, "|{}", "---|".repeat(header.len()));
                    for row in rows {
                        let cells: Vec<String> = row.iter().map(markdown_line).collect();
                        let _ = writeln!(out, "| {} |", cells.join(" | "));
                    }
                }
            }
        }
    }
    out.push_str("\n## Sources\n\n");
    for (index, reference) in document.references.iter().enumerate() {
        let n = index + 1;
        let title = markdown_escape(&reference.title);
        let link = match &reference.url {
            Some(url) => format!("[{title}]({url})"),
            None => title,
        };
        let _ = writeln!(
            out,
            "{n}. <a id=\"ref-{n}\"></a>{link} — {}",
            markdown_escape(&reference.note)
        );
    }
    out
}

fn html_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn html_line(line: &Line) -> String {
    let mut out = String::new();
    for inline in line {
        match inline {
            Inline::Text(value) => out.push_str(&html_escape(value)),
            Inline::Strong(value) => {
                let _ = write!(out, "<strong>{}</strong>", html_escape(value));
            }
            Inline::Code(value) => {
                let _ = write!(out, "<code>{}</code>", html_escape(value));
            }
            Inline::Cite(n, grade) => {
                let _ = write!(
                    out,
                    "<sup class=\"cite\"><a href=\"#ref-{n}\" title=\"evidence {grade}\">[{n}·{grade}]</a></sup>"
                );
            }
        }
    }
    out
}

const STYLE: &str = "body{font:16px/1.55 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b1f24;background:#f6f7f9;margin:0}\
main{max-width:980px;margin:0 auto;padding:32px 40px 64px;background:#fff;box-shadow:0 0 0 1px #e3e6ea}\
h1{font-size:28px;line-height:1.25;margin:0 0 12px}h2{font-size:21px;margin:36px 0 10px;padding-bottom:6px;border-bottom:2px solid #e3e6ea}\
h3{font-size:17px;margin:22px 0 8px}p.lead{color:#4a525c}\
table{border-collapse:collapse;width:100%;margin:8px 0 16px;font-size:14.5px}th,td{border:1px solid #dde1e6;padding:6px 9px;text-align:left;vertical-align:top}\
th{background:#f0f2f5}tr:nth-child(even) td{background:#fafbfc}code{font:13.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f0f2f5;padding:1px 4px;border-radius:4px}\
sup.cite a{color:#0b62c4;text-decoration:none;font-size:12px}ol.refs li{margin:4px 0;font-size:14.5px}\
section.summary{background:#fff6f4;border-left:5px solid #d0342c;padding:4px 18px;margin:18px 0}\
ul{padding-left:22px}li{margin:4px 0}";

/// The document as one self-contained HTML page (inline CSS, no scripts, no external assets).
pub(crate) fn html(document: &Document) -> String {
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ =
        writeln!(out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    let _ = writeln!(out, "<title>{}</title>", html_escape(&document.title));
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>\n<main>");
    let _ = writeln!(out, "<h1>{}</h1>", html_escape(&document.title));
    let _ = writeln!(out, "<p class=\"lead\">{}</p>", html_line(&document.lead));
    for (index, section) in document.sections.iter().enumerate() {
        let class = if index == 0 { " class=\"summary\"" } else { "" };
        let _ = writeln!(out, "<section{class}>\n<h2>{}</h2>", html_escape(&section.title));
        for block in &section.blocks {
            match block {
                Block::Paragraph(line) => {
                    let _ = writeln!(out, "<p>{}</p>", html_line(line));
                }
                Block::Subheading(title) => {
                    let _ = writeln!(out, "<h3>{}</h3>", html_escape(title));
                }
                Block::List(items) => {
                    out.push_str("<ul>\n");
                    for item in items {
                        let _ = writeln!(out, "<li>{}</li>", html_line(item));
                    }
                    out.push_str("</ul>\n");
                }
                Block::Table { header, rows } => {
                    out.push_str("<table>\n<tr>");
                    for cell in header {
                        let _ = write!(out, "<th>{}</th>", html_escape(cell));
                    }
                    out.push_str("</tr>\n");
                    for row in rows {
                        out.push_str("<tr>");
                        for cell in row {
                            let _ = write!(out, "<td>{}</td>", html_line(cell));
                        }
                        out.push_str("</tr>\n");
                    }
                    out.push_str("</table>\n");
                }
            }
        }
        out.push_str("</section>\n");
    }
    out.push_str("<section>\n<h2>Sources</h2>\n<ol class=\"refs\">\n");
    for (index, reference) in document.references.iter().enumerate() {
        let n = index + 1;
        let title = html_escape(&reference.title);
        let link = match &reference.url {
            Some(url) => format!("<a href=\"{}\">{title}</a>", html_escape(url)),
            None => title,
        };
        let _ = writeln!(out, "<li id=\"ref-{n}\">{link} — {}</li>", html_escape(&reference.note));
    }
    out.push_str("</ol>\n</section>\n</main>\n</body>\n</html>\n");
    out
}
