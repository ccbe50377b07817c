//! A small directed acyclic graph over any ordered node type: topological order and cycle
//! reporting. The planner orders resources with it and the executor orders operations.

use std::collections::{BTreeMap, BTreeSet};

/// Edges point from a node to the nodes it depends on.
#[derive(Clone, Debug)]
pub struct Graph<N: Ord + Clone> {
    dependencies: BTreeMap<N, BTreeSet<N>>,
}

impl<N: Ord + Clone> Default for Graph<N> {
    fn default() -> Self {
        Graph { dependencies: BTreeMap::new() }
    }
}

impl<N: Ord + Clone> Graph<N> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add_node(&mut self, node: N) {
        self.dependencies.entry(node).or_default();
    }

    /// `node` depends on `dependency` (both are added if missing).
    pub fn add_edge(&mut self, node: N, dependency: N) {
        self.add_node(dependency.clone());
        self.dependencies.entry(node).or_default().insert(dependency);
    }

    pub fn nodes(&self) -> impl Iterator<Item = &N> {
        self.dependencies.keys()
    }

    pub fn dependencies_of(&self, node: &N) -> impl Iterator<Item = &N> {
        self.dependencies.get(node).into_iter().flatten()
    }

    /// Nodes in dependency order (dependencies first), ties broken by node order, so the result
    /// is deterministic. `Err(cycle)` names the nodes of one cycle, in order.
    pub fn topological_order(&self) -> Result<Vec<N>, Vec<N>> {
        let mut remaining: BTreeMap<&N, usize> =
            self.dependencies.iter().map(|(node, deps)| (node, deps.len())).collect();
        let mut dependents: BTreeMap<&N, Vec<&N>> = BTreeMap::new();
        for (node, deps) in &self.dependencies {
            for dep in deps {
                dependents.entry(dep).or_default().push(node);
            }
        }
        let mut ready: BTreeSet<&N> =
            remaining.iter().filter(|(_, count)| **count == 0).map(|(node, _)| *node).collect();
        let mut order = Vec::with_capacity(self.dependencies.len());
        while let Some(node) = ready.pop_first() {
            order.push(node.clone());
            for dependent in dependents.get(node).into_iter().flatten() {
                if let Some(count) = remaining.get_mut(dependent) {
                    *count -= 1;
                    if *count == 0 {
                        ready.insert(dependent);
                    }
                }
            }
        }
        if order.len() == self.dependencies.len() {
            Ok(order)
        } else {
            let done: BTreeSet<&N> = order.iter().collect();
            Err(self.find_cycle(&done))
        }
    }

    fn find_cycle(&self, done: &BTreeSet<&N>) -> Vec<N> {
        // Walk dependencies among unfinished nodes until a node repeats.
        let Some(start) = self.dependencies.keys().find(|n| !done.contains(n)) else {
            return vec![];
        };
        let mut path: Vec<&N> = vec![start];
        loop {
            let current = path[path.len() - 1];
            let next = self
                .dependencies_of(current)
                .find(|n| !done.contains(n))
                .expect("an unfinished node always has an unfinished dependency");
            if let Some(position) = path.iter().position(|n| *n == next) {
                return path[position..].iter().map(|n| (*n).clone()).collect();
            }
            path.push(next);
        }
    }

    /// Every node reachable from `roots` through dependencies, roots included.
    pub fn closure(&self, roots: impl IntoIterator<Item = N>) -> BTreeSet<N> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<N> = roots.into_iter().collect();
        while let Some(node) = stack.pop() {
            if seen.insert(node.clone()) {
                stack.extend(self.dependencies_of(&node).cloned());
            }
        }
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_dependencies_first() {
        let mut graph = Graph::new();
        graph.add_edge("subnet", "vpc");
        graph.add_edge("sg", "vpc");
        graph.add_edge("lb", "subnet");
        graph.add_edge("lb", "sg");
        assert_eq!(graph.topological_order().unwrap(), vec!["vpc", "sg", "subnet", "lb"]);
        assert_eq!(graph.closure(["subnet"]), BTreeSet::from(["subnet", "vpc"]));
    }

    #[test]
    fn reports_the_cycle() {
        let mut graph = Graph::new();
        graph.add_edge("a", "b");
        graph.add_edge("b", "c");
        graph.add_edge("c", "a");
        graph.add_edge("d", "a");
        let cycle = graph.topological_order().unwrap_err();
        assert_eq!(cycle.len(), 3);
        assert!(cycle.contains(&"a") && cycle.contains(&"b") && cycle.contains(&"c"));
    }
}
