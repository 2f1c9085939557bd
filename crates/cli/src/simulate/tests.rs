//! Unit tests of the shard split.

use super::shard_range;

#[test]
fn shards_cover_every_replication_once() {
    for total in [0u64, 1, 7, 10, 1001] {
        for n in 1..12u64 {
            let ranges: Vec<_> = (0..n).map(|i| shard_range(total, Some((i, n)))).collect();
            assert_eq!(ranges[0].start, 0);
            assert_eq!(ranges[n as usize - 1].end, total);
            assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
        }
    }
}
