//! Stable sorting through one shared copy of the standard library's sort.
//!
//! `slice::sort_by` is generic over the element type and the comparison, so every list type the
//! app sorts (moods, check-ins, tag averages, and each later feature's) linked its own copy of
//! the driftsort machinery, about 3 KB of wasm each. Here the sort itself only ever sees
//! `usize` indices and a `&dyn` comparison, so it is compiled once; each element type adds only
//! the small loop that moves the items into their new order.

use std::cmp::Ordering;

/// Sorts `items` by `cmp`, keeping equal items in their original order (like `sort_by`).
pub fn sort_by<T>(items: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    let order = {
        let items: &[T] = items;
        // `get` never fails here (indices come from `0..len`); `Equal` keeps it total regardless.
        sorted_indices(items.len(), &|a, b| match (items.get(a), items.get(b)) {
            (Some(a), Some(b)) => cmp(a, b),
            _ => Ordering::Equal,
        })
    };
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots.get_mut(i).and_then(Option::take)));
}

/// `0..len`, stably sorted by `cmp`: the one place the standard sort is instantiated.
fn sorted_indices(len: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably() {
        let mut v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd'), (1, 'e')];
        sort_by(&mut v, |a, b| a.0.cmp(&b.0));
        assert_eq!(v, [(0, 'd'), (1, 'b'), (1, 'e'), (2, 'a'), (2, 'c')]);
        let mut empty: Vec<u8> = Vec::new();
        sort_by(&mut empty, u8::cmp);
        assert!(empty.is_empty());
    }
}
