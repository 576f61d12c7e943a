//! The relaying rule both ends of a data channel follow (the serving peer's VPN relay and the
//! SDK's data channel).

/// Run the two directions of a relayed connection together: one ending cleanly (its side
/// half-closed) lets the other go on; an error (a reset, the credit window used up) ends both.
/// The serving peer's relay and the SDK's data channel both relay this way.
pub async fn both_ways<E>(
	up: impl std::future::Future<Output = Result<(), E>>,
	down: impl std::future::Future<Output = Result<(), E>>,
) {
	match futures::future::select(Box::pin(up), Box::pin(down)).await {
		futures::future::Either::Left((Ok(()), other)) => {
			let _ = other.await;
		}
		futures::future::Either::Right((Ok(()), other)) => {
			let _ = other.await;
		}
		_ => {}
	}
}
