//! A force-directed layout (Fruchterman and Reingold, 1991) for drawing networks: nodes repel
//! each other, edges pull their ends together in proportion to their weight, and a cooling
//! temperature bounds each step. Positions lie in the unit square; the start is a circle, so
//! the same network always gets the same picture.

/// Node positions in `[0, 1]²` and the temperature of the next step.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// One position per node.
    pub positions: Vec<[f32; 2]>,
    temperature: f32,
}

impl Layout {
    /// `n` nodes on a circle, ready to settle.
    pub fn new(n: usize) -> Self {
        let positions = (0..n)
            .map(|i| {
                let a = i as f32 / n.max(1) as f32 * std::f32::consts::TAU;
                [0.5 + 0.4 * a.cos(), 0.5 + 0.4 * a.sin()]
            })
            .collect();
        Self {
            positions,
            temperature: 0.1,
        }
    }

    /// True once steps no longer move nodes noticeably.
    pub fn settled(&self) -> bool {
        self.temperature < 0.002
    }

    /// Runs `steps` steps with `edges` (node, node, weight ≥ 0).
    pub fn step(&mut self, edges: &[(usize, usize, f32)], steps: usize) {
        let n = self.positions.len();
        if n == 0 {
            return;
        }
        let k = (1.0 / n as f32).sqrt() * 0.8;
        let max_w = edges
            .iter()
            .map(|e| e.2)
            .fold(0.0f32, f32::max)
            .max(f32::EPSILON);
        for _ in 0..steps {
            if self.settled() {
                return;
            }
            let mut shift = vec![[0.0f32; 2]; n];
            for i in 0..n {
                for j in (i + 1)..n {
                    let d = [
                        self.positions[i][0] - self.positions[j][0],
                        self.positions[i][1] - self.positions[j][1],
                    ];
                    let dist = (d[0] * d[0] + d[1] * d[1]).sqrt().max(1e-4);
                    let push = k * k / dist;
                    for c in 0..2 {
                        shift[i][c] += d[c] / dist * push;
                        shift[j][c] -= d[c] / dist * push;
                    }
                }
            }
            for &(a, b, w) in edges {
                if a == b || a >= n || b >= n {
                    continue;
                }
                let d = [
                    self.positions[a][0] - self.positions[b][0],
                    self.positions[a][1] - self.positions[b][1],
                ];
                let dist = (d[0] * d[0] + d[1] * d[1]).sqrt().max(1e-4);
                let pull = dist * dist / k * (0.3 + w / max_w);
                for c in 0..2 {
                    shift[a][c] -= d[c] / dist * pull;
                    shift[b][c] += d[c] / dist * pull;
                }
            }
            for (p, s) in self.positions.iter_mut().zip(&shift) {
                let len = (s[0] * s[0] + s[1] * s[1]).sqrt().max(1e-9);
                let step = len.min(self.temperature);
                for c in 0..2 {
                    // A gentle pull to the centre keeps unlinked parts on the canvas.
                    p[c] += s[c] / len * step + (0.5 - p[c]) * 0.01;
                    p[c] = p[c].clamp(0.02, 0.98);
                }
            }
            self.temperature *= 0.97;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(l: &Layout, a: usize, b: usize) -> f32 {
        let (p, q) = (l.positions[a], l.positions[b]);
        ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt()
    }

    #[test]
    fn linked_nodes_end_closer_than_unlinked_ones_and_the_layout_is_repeatable() {
        // Two pairs linked within, not across.
        let edges = [(0, 1, 5.0), (2, 3, 5.0)];
        let mut l = Layout::new(4);
        l.step(&edges, 500);
        assert!(l.settled());
        assert!(dist(&l, 0, 1) < dist(&l, 0, 2));
        assert!(dist(&l, 2, 3) < dist(&l, 1, 3));
        let mut again = Layout::new(4);
        again.step(&edges, 500);
        assert_eq!(l, again);
        assert!(
            l.positions
                .iter()
                .all(|p| p.iter().all(|c| (0.0..=1.0).contains(c)))
        );
    }
}
