//! Networks out: a matrix with its row and column nodes, written as a CSV matrix, GraphML that
//! Gephi and networkx open, UCINET's DL, or stancemark's JSON
//! (`{"format": "stancemark-network", "format_version": 1, …}`).
//!
//! A one-mode network (rows and columns the same nodes) is an undirected graph with an edge per
//! pair whose weight is not 0; a two-mode network is a bipartite graph, rows then columns, with
//! an edge per non-zero cell. Weights are written as Rust prints an `f64` (the shortest text
//! that reads back as the same number).

use quick_xml::escape::escape;
use serde::Serialize;

pub use crate::analysis::discourse::{Network, NetworkType, NetworkWindow, Node};

/// The files a network is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NetworkFile {
    /// A CSV matrix.
    Csv,
    /// GraphML (Gephi, networkx, igraph).
    Graphml,
    /// UCINET DL.
    Dl,
    /// stancemark's JSON, with time windows.
    Json,
}

impl NetworkFile {
    /// Every format, in menu order.
    pub const ALL: [NetworkFile; 4] = [Self::Graphml, Self::Csv, Self::Dl, Self::Json];

    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Graphml => "graphml",
            Self::Dl => "dl",
            Self::Json => "json",
        }
    }

    /// The name in menus.
    pub fn name(self) -> &'static str {
        match self {
            Self::Csv => "CSV matrix",
            Self::Graphml => "GraphML (Gephi, networkx)",
            Self::Dl => "UCINET DL",
            Self::Json => "JSON",
        }
    }

    /// The network in this format.
    pub fn write(self, network: &Network) -> String {
        match self {
            Self::Csv => network.to_csv(),
            Self::Graphml => network.to_graphml(),
            Self::Dl => network.to_dl(),
            Self::Json => network.to_json() + "\n",
        }
    }
}

/// The JSON format's name.
pub const NETWORK_FORMAT: &str = "stancemark-network";
/// The JSON format's version.
pub const NETWORK_VERSION: u32 = 1;

impl Network {
    /// The matrix as CSV: a header of column labels after an empty cell, then one row per row
    /// node (its label, then its weights).
    pub fn to_csv(&self) -> String {
        let mut out = csv::WriterBuilder::new().from_writer(Vec::new());
        let header: Vec<&str> = std::iter::once("")
            .chain(self.columns.iter().map(|c| c.label.as_str()))
            .collect();
        out.write_record(&header).expect("writes to memory");
        for (node, row) in self.rows.iter().zip(&self.matrix) {
            let record: Vec<String> = std::iter::once(node.label.clone())
                .chain(row.iter().map(|v| v.to_string()))
                .collect();
            out.write_record(&record).expect("writes to memory");
        }
        String::from_utf8(out.into_inner().expect("writes to memory")).expect("UTF-8 in, UTF-8 out")
    }

    /// GraphML: nodes with `label` and `type`, edges with `weight`; undirected.
    pub fn to_graphml(&self) -> String {
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
             xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
             xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
             http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n\
             \x20 <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n\
             \x20 <key id=\"type\" for=\"node\" attr.name=\"type\" attr.type=\"string\"/>\n\
             \x20 <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n\
             \x20 <graph id=\"network\" edgedefault=\"undirected\">\n",
        );
        let node_id = |side: &str, i: usize| format!("{side}{i}");
        let mut node = |id: String, n: &Node| {
            out.push_str(&format!(
                "    <node id=\"{}\"><data key=\"label\">{}</data><data key=\"type\">{}</data></node>\n",
                escape(&id),
                escape(&n.label),
                escape(&n.kind)
            ));
        };
        for (i, n) in self.rows.iter().enumerate() {
            node(node_id("r", i), n);
        }
        if self.kind == NetworkType::TwoMode {
            for (j, n) in self.columns.iter().enumerate() {
                node(node_id("c", j), n);
            }
        }
        for (i, row) in self.matrix.iter().enumerate() {
            for (j, &w) in row.iter().enumerate() {
                let one_mode = self.kind == NetworkType::OneMode;
                if w == 0.0 || (one_mode && j <= i) {
                    continue;
                }
                let target = node_id(if one_mode { "r" } else { "c" }, j);
                out.push_str(&format!(
                    "    <edge source=\"{}\" target=\"{target}\"><data key=\"weight\">{w}</data></edge>\n",
                    node_id("r", i)
                ));
            }
        }
        out.push_str("  </graph>\n</graphml>\n");
        out
    }

    /// UCINET DL, full matrix with labels embedded.
    pub fn to_dl(&self) -> String {
        let quoted = |nodes: &[Node]| {
            nodes
                .iter()
                .map(|n| format!("\"{}\"", n.label.replace('"', "'")))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let mut out = match self.kind {
            NetworkType::OneMode => format!(
                "dl n={} format=fullmatrix\nlabels:\n{}\n",
                self.rows.len(),
                quoted(&self.rows)
            ),
            NetworkType::TwoMode => format!(
                "dl nr={} nc={} format=fullmatrix\nrow labels:\n{}\ncolumn labels:\n{}\n",
                self.rows.len(),
                self.columns.len(),
                quoted(&self.rows),
                quoted(&self.columns)
            ),
        };
        out.push_str("data:\n");
        for row in &self.matrix {
            let cells: Vec<String> = row.iter().map(|v| v.to_string()).collect();
            out.push_str(&cells.join(" "));
            out.push('\n');
        }
        out
    }

    /// stancemark's JSON: format, version, type, labels, ids and the matrix.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Record<'a> {
            format: &'static str,
            format_version: u32,
            #[serde(rename = "type")]
            kind: NetworkType,
            rows: Vec<&'a str>,
            columns: Vec<&'a str>,
            row_ids: Vec<&'a str>,
            column_ids: Vec<&'a str>,
            matrix: &'a [Vec<f64>],
            #[serde(skip_serializing_if = "Vec::is_empty")]
            windows: Vec<WindowRecord<'a>>,
        }
        #[derive(Serialize)]
        struct WindowRecord<'a> {
            start: String,
            end: String,
            statements: usize,
            matrix: &'a [Vec<f64>],
        }
        fn labels(nodes: &[Node]) -> Vec<&str> {
            nodes.iter().map(|n| n.label.as_str()).collect()
        }
        fn ids(nodes: &[Node]) -> Vec<&str> {
            nodes.iter().map(|n| n.id.as_str()).collect()
        }
        serde_json::to_string_pretty(&Record {
            format: NETWORK_FORMAT,
            format_version: NETWORK_VERSION,
            kind: self.kind,
            rows: labels(&self.rows),
            columns: labels(&self.columns),
            row_ids: ids(&self.rows),
            column_ids: ids(&self.columns),
            matrix: &self.matrix,
            windows: self
                .windows
                .iter()
                .map(|w| WindowRecord {
                    start: w.start.format("%Y-%m-%dT%H:%M:%S").to_string(),
                    end: w.end.format("%Y-%m-%dT%H:%M:%S").to_string(),
                    statements: w.statements,
                    matrix: &w.matrix,
                })
                .collect(),
        })
        .expect("a network serialises")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, kind: &str) -> Node {
        Node {
            id: id.to_owned(),
            label: format!("{id} & co"),
            kind: kind.to_owned(),
        }
    }

    fn one_mode() -> Network {
        let actors = vec![node("a", "actor"), node("b", "actor"), node("c", "actor")];
        Network {
            kind: NetworkType::OneMode,
            rows: actors.clone(),
            columns: actors,
            matrix: vec![
                vec![0.0, 2.0, 0.5],
                vec![2.0, 0.0, 0.0],
                vec![0.5, 0.0, 0.0],
            ],
            windows: Vec::new(),
        }
    }

    #[test]
    fn graphml_has_one_edge_per_pair_and_escapes_labels() {
        let xml = one_mode().to_graphml();
        assert_eq!(xml.matches("<node ").count(), 3);
        assert_eq!(xml.matches("<edge ").count(), 2, "{xml}");
        assert!(xml.contains("a &amp; co"));
        assert!(xml.contains("<data key=\"weight\">0.5</data>"));
        // Two-mode: rows and columns are distinct nodes.
        let two = Network {
            kind: NetworkType::TwoMode,
            rows: vec![node("a", "actor")],
            columns: vec![node("x", "stance"), node("y", "stance")],
            matrix: vec![vec![1.0, 0.0]],
            windows: Vec::new(),
        };
        let xml = two.to_graphml();
        assert_eq!(xml.matches("<node ").count(), 3);
        assert!(xml.contains("source=\"r0\" target=\"c0\""));
        assert_eq!(xml.matches("<edge ").count(), 1);
    }

    #[test]
    fn csv_dl_and_json_carry_labels_and_weights() {
        let n = one_mode();
        let csv = n.to_csv();
        assert_eq!(csv.lines().next().unwrap(), ",a & co,b & co,c & co");
        assert_eq!(csv.lines().nth(1).unwrap(), "a & co,0,2,0.5");
        let dl = n.to_dl();
        assert!(dl.starts_with("dl n=3 format=fullmatrix\nlabels:\n\"a & co\""));
        assert!(dl.ends_with("data:\n0 2 0.5\n2 0 0\n0.5 0 0\n"), "{dl}");
        let json: serde_json::Value = serde_json::from_str(&n.to_json()).unwrap();
        assert_eq!(json["format"], NETWORK_FORMAT);
        assert_eq!(json["type"], "onemode");
        assert_eq!(json["row_ids"][1], "b");
        assert_eq!(json["matrix"][0][2], 0.5);
    }
}
