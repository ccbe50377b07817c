//! Some attributes AWS answers only one object at a time (DescribeVpcAttribute,
//! DescribeTargetGroupAttributes). A refresh of many objects would then cost a request per
//! object, so it reads them for a bounded window of objects and keeps the prior values of the
//! rest. Which window is picked by the clock's nanoseconds, so refreshes on any schedule
//! (a cron job every minute, CI on every merge) land on every window over time, and a refresh
//! of a few objects (the stale-plan check, a single read) reads them all.

use std::time::{SystemTime, UNIX_EPOCH};

/// The objects of one type, by position, whose per-object attributes this refresh reads.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReadWindow {
    start: usize,
    len: usize,
    count: usize,
}

impl ReadWindow {
    /// A window of at most `limit` of `count` objects: all of them when `count <= limit`, else
    /// the window that the current time's nanoseconds select (whole seconds would line up with
    /// schedules: a refresh every 60 s over 15 windows would always read the same one).
    pub(crate) fn now(count: usize, limit: usize) -> ReadWindow {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_nanos() as u64)
            .unwrap_or(0);
        // Mixed (Fibonacci hashing), so a clock with a coarser resolution than a nanosecond
        // (whose readings are all multiples of 1,000, say) still spreads over the windows.
        ReadWindow::at(
            count,
            limit,
            nanos.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32,
        )
    }

    /// The window that `tick` selects: consecutive ticks visit consecutive windows.
    pub(crate) fn at(count: usize, limit: usize, tick: u64) -> ReadWindow {
        let len = limit.max(1);
        let windows = count.div_ceil(len).max(1) as u64;
        let start = (tick % windows) as usize * len;
        ReadWindow { start, len, count }
    }

    pub(crate) fn contains(&self, index: usize) -> bool {
        index < self.count && index >= self.start && index < self.start + self.len
    }
}

#[cfg(test)]
mod tests {
    use super::ReadWindow;

    #[test]
    fn a_small_batch_is_read_whole() {
        let window = ReadWindow::at(5, 8, 12345);
        assert!((0..5).all(|i| window.contains(i)));
        assert!(!window.contains(5));
    }

    #[test]
    fn a_large_batch_is_read_a_window_at_a_time_and_every_object_in_turn() {
        let count = 20;
        let mut reads = vec![0; count];
        for tick in 0..3 {
            let window = ReadWindow::at(count, 8, tick);
            let inside = (0..count).filter(|&i| window.contains(i)).count();
            assert!(inside <= 8, "tick {tick} reads {inside}");
            for (index, read) in reads.iter_mut().enumerate() {
                if window.contains(index) {
                    *read += 1;
                }
            }
        }
        assert_eq!(
            reads,
            vec![1; count],
            "three ticks cover 20 objects once each"
        );
    }
}
