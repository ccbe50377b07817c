//! Reading every page of an AWS SDK listing.

/// Every item of a paginated SDK call, all pages read in order: `$request` is the request
/// builder (any service's whose paginator has `items()`); the first failed page's error is
/// the call's error. (A macro, not a function: each operation's paginator is a type of its
/// own, with no trait to name them by.)
macro_rules! all_items {
    ($request:expr) => {
        $request
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err($crate::error::aws_error)
    };
}
pub(crate) use all_items;
