//! The pallet's tests, by topic.

mod election;
mod replacement;
mod turnover;
mod views;
mod voting;
