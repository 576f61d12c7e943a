//! The pallets whose benchmarks `frame-omni-bencher` runs (scripts/bench-weights.sh).

frame_benchmarking::define_benchmarks!(
	[frame_system, SystemBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_utility, Utility]
	[pallet_sudo, Sudo]
	[pallet_gosig, Gosig]
	[pallet_vesting, Vesting]
	[pallet_token, Token]
	[pallet_peers, Peers]
	[pallet_traffic, Traffic]
	[pallet_pricing, Pricing]
	[pallet_billing_elections, BillingElections]
	[pallet_collective, Committee]
	[pallet_committee, CommitteeElection]
	[pallet_scheduling, Scheduling]
	[pallet_patrol, Patrol]
);
