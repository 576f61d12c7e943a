//! Weights the runtime measures for upstream pallets (`scripts/bench-weights.sh`, the bencher's
//! default template implementing each pallet's own `WeightInfo`).

pub mod pallet_collective;
