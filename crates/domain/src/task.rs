//! Task lists (清单化任务, C4, A6): a target (目标任务) issued at a grid and broken down level by
//! level to its child grids, with progress reports and the roll-up of progress up the tree.
//!
//! - The kind of a task is a code of the `task_kind` code table; the entry's `description` is
//!   the unit it is counted in (亩, 株 …), see [`unit_of`].
//! - [`check_breakdown`]: the parts given to the children may not exceed the parent's amount.
//! - [`roll_up`]: a leaf task's progress is its own reports; a broken-down task's is the sum of
//!   its children's.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use crate::codes::CodeTable;

/// The code table of task kinds.
pub const KIND_TABLE: &str = "task_kind";

/// Amounts closer than this are equal (amounts are areas and counts with at most a few
/// decimals).
const EPSILON: f64 = 1e-6;

/// The unit a kind is counted in, from the code table (`None`: not a kind of the table).
pub fn unit_of(table: &CodeTable, kind: &str) -> Option<String> {
    let e = table.entry(kind)?;
    Some(
        e.description
            .as_deref()
            .map_or_else(String::new, |d| d.trim().to_owned()),
    )
}

/// Why a task or its breakdown is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TaskError {
    #[error("a task needs a title")]
    NoTitle,
    #[error("the amount must be positive")]
    NotPositive,
    #[error(
        "the children's amounts add up to {children}, more than the parent's {parent}; \
         a breakdown may not exceed the task it breaks down"
    )]
    Exceeds { parent: f64, children: f64 },
    #[error("a breakdown needs at least one part")]
    EmptyBreakdown,
    #[error("grid {0} is not a child grid of the task's grid")]
    NotAChild(String),
    #[error("grid {0} appears more than once in the task's breakdown")]
    DuplicateGrid(String),
    #[error("progress is reported on the tasks it was broken down into")]
    BrokenDown,
    #[error("a task with progress of its own cannot be broken down")]
    HasProgress,
}

/// What a breakdown leaves: assigned to children and not yet assigned (缺口).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Breakdown {
    pub assigned: f64,
    pub shortfall: f64,
}

/// Checks that `existing` (the amounts already given to children) plus `parts` stay within
/// `parent`; answers what is assigned and the shortfall.
pub fn check_breakdown(
    parent: f64,
    existing: &[f64],
    parts: &[f64],
) -> Result<Breakdown, TaskError> {
    if parts.is_empty() {
        return Err(TaskError::EmptyBreakdown);
    }
    if parts.iter().any(|a| *a <= 0.0 || !a.is_finite()) {
        return Err(TaskError::NotPositive);
    }
    let children: f64 = existing.iter().chain(parts).sum();
    if children > parent + EPSILON {
        return Err(TaskError::Exceeds { parent, children });
    }
    Ok(Breakdown {
        assigned: children,
        shortfall: (parent - children).max(0.0),
    })
}

/// Checks a new task's own fields.
pub fn validate(title: &str, amount: f64) -> Result<(), TaskError> {
    if title.trim().is_empty() {
        return Err(TaskError::NoTitle);
    }
    if amount <= 0.0 || !amount.is_finite() {
        return Err(TaskError::NotPositive);
    }
    Ok(())
}

/// A task as the roll-up needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub id: Uuid,
    pub parent: Option<Uuid>,
    pub amount: f64,
    pub deadline: NaiveDate,
    /// The sum of the task's own progress reports.
    pub reported: f64,
}

/// A task's progress.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Progress {
    /// Done so far: own reports (leaf) or the children's progress (broken down).
    pub done: f64,
    /// Of the target, 0–100 (more when the target is exceeded).
    pub percent: f64,
    pub complete: bool,
    /// Past the deadline and not complete.
    pub overdue: bool,
    /// Amount not yet given to children (0 for a leaf).
    pub shortfall: f64,
    pub broken_down: bool,
}

/// The progress of every task of `nodes` (children whose parent is missing count as roots).
pub fn roll_up(nodes: &[Node], today: NaiveDate) -> HashMap<Uuid, Progress> {
    let mut children: HashMap<Uuid, Vec<usize>> = HashMap::new();
    for (i, n) in nodes.iter().enumerate() {
        if let Some(p) = n.parent {
            children.entry(p).or_default().push(i);
        }
    }
    let mut done: HashMap<Uuid, f64> = HashMap::new();
    for n in nodes {
        done_of(n, nodes, &children, &mut done);
    }
    nodes
        .iter()
        .map(|n| {
            let d = done.get(&n.id).copied().unwrap_or(0.0);
            let kids = children.get(&n.id).map_or(&[][..], Vec::as_slice);
            let assigned: f64 = kids.iter().map(|i| nodes[*i].amount).sum();
            let complete = d + EPSILON >= n.amount;
            let progress = Progress {
                done: d,
                percent: if n.amount > 0.0 {
                    (d / n.amount * 1000.0).round() / 10.0
                } else {
                    0.0
                },
                complete,
                overdue: !complete && today > n.deadline,
                shortfall: if kids.is_empty() {
                    0.0
                } else {
                    (n.amount - assigned).max(0.0)
                },
                broken_down: !kids.is_empty(),
            };
            (n.id, progress)
        })
        .collect()
}

fn done_of(
    n: &Node,
    nodes: &[Node],
    children: &HashMap<Uuid, Vec<usize>>,
    memo: &mut HashMap<Uuid, f64>,
) -> f64 {
    if let Some(d) = memo.get(&n.id) {
        return *d;
    }
    // Mark first, so that a (corrupt) cycle ends instead of recursing forever.
    memo.insert(n.id, 0.0);
    let d = match children.get(&n.id) {
        Some(kids) if !kids.is_empty() => kids
            .iter()
            .map(|i| done_of(&nodes[*i], nodes, children, memo))
            .sum(),
        _ => n.reported,
    };
    memo.insert(n.id, d);
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::default_tables;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn a_breakdown_may_not_exceed_its_parent() {
        let ok = check_breakdown(50_000.0, &[20_000.0], &[10_000.0, 15_000.0]).expect("fits");
        assert!((ok.shortfall - 5_000.0).abs() < 1e-9);
        let err = check_breakdown(50_000.0, &[20_000.0], &[40_000.0]).expect_err("exceeds");
        assert_eq!(
            err,
            TaskError::Exceeds {
                parent: 50_000.0,
                children: 60_000.0
            }
        );
        let text = err.to_string();
        assert!(text.contains("60000") && text.contains("50000"), "{text}");
        assert_eq!(
            check_breakdown(1.0, &[], &[]),
            Err(TaskError::EmptyBreakdown)
        );
        assert_eq!(
            check_breakdown(1.0, &[], &[-1.0]),
            Err(TaskError::NotPositive)
        );
    }

    #[test]
    fn progress_rolls_up_from_the_leaves() {
        let id = Uuid::from_u128;
        let node = |n, parent, amount, reported| Node {
            id: id(n),
            parent,
            amount,
            deadline: day("2025-12-31"),
            reported,
        };
        let nodes = vec![
            node(1, None, 100.0, 0.0),
            node(2, Some(id(1)), 60.0, 0.0),
            node(3, Some(id(1)), 30.0, 30.0),
            node(4, Some(id(2)), 60.0, 15.0),
        ];
        let p = roll_up(&nodes, day("2025-06-01"));
        assert!((p[&id(1)].done - 45.0).abs() < 1e-9);
        assert!((p[&id(1)].percent - 45.0).abs() < 1e-9);
        assert!((p[&id(1)].shortfall - 10.0).abs() < 1e-9);
        assert!(p[&id(3)].complete);
        assert!(!p[&id(1)].overdue);
        let late = roll_up(&nodes, day("2026-01-01"));
        assert!(late[&id(1)].overdue);
        assert!(!late[&id(3)].overdue, "complete tasks are never overdue");
    }

    #[test]
    fn kinds_carry_their_units() {
        let table = default_tables()
            .into_iter()
            .find(|t| t.name == KIND_TABLE)
            .expect("task_kind");
        assert_eq!(unit_of(&table, "afforestation").as_deref(), Some("亩"));
        assert_eq!(unit_of(&table, "tending").as_deref(), Some("亩"));
        assert_eq!(unit_of(&table, "unknown"), None);
    }
}
