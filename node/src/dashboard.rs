//! `--dashboard <addr>`: the node serves the network dashboard (`dashboard/`, built with
//! `npm run build` into `dashboard/dist`) over HTTP, and tells the page where its JSON-RPC is
//! (`/config.json`: `{"rpcPort": …}`; the page connects to the same host at that port).
//!
//! A small static server: `GET` and `HEAD` only, paths resolved inside the dashboard's
//! directory (no `..`, no hidden files, no symlink out of it), at most
//! [`MAX_CONNECTIONS`] connections at once, each with a header timeout and closed after
//! [`CONNECTION_TIMEOUT`], files at most [`MAX_FILE`] bytes (checked on the open file).

use http_body_util::Full;
use hyper::{
	body::{Bytes, Incoming},
	header, Method, Request, Response, StatusCode,
};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::{
	convert::Infallible,
	net::SocketAddr,
	path::{Component, Path, PathBuf},
	sync::Arc,
	time::Duration,
};

/// Connections served at once; more wait in the listener's backlog.
pub const MAX_CONNECTIONS: usize = 64;
/// The largest file served (the built dashboard's script is about 1.2 MB).
pub const MAX_FILE: u64 = 16 << 20;
/// How long a client may take to send its request's headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one connection may last, whatever it does (a reader that stops reading a file
/// would otherwise hold its place for ever).
pub const CONNECTION_TIMEOUT: Duration = Duration::from_secs(60);

/// Command-line options of the dashboard.
#[derive(Debug, Clone, clap::Args)]
pub struct DashboardParams {
	/// Serve the network dashboard on this address (e.g. `127.0.0.1:8000`); not served when
	/// not given. The page talks to this node's JSON-RPC port on the same host.
	#[arg(long, value_name = "ADDR")]
	pub dashboard: Option<SocketAddr>,

	/// The built dashboard (`npm run build` in `dashboard/`).
	#[arg(long, value_name = "PATH", default_value = "dashboard/dist")]
	pub dashboard_dir: PathBuf,
}

/// The file under `root` that the request path `path` names, if it may be served: `/` is
/// `index.html`; a path with `..`, a hidden segment, a backslash or a NUL is refused, and so is
/// anything that resolves (symlinks followed) outside `root`.
pub fn resolve(root: &Path, path: &str) -> Option<PathBuf> {
	let path = path.split(['?', '#']).next().unwrap_or_default();
	let relative = path.trim_start_matches('/');
	let relative = if relative.is_empty() { "index.html" } else { relative };
	if relative.contains(['\\', '\0']) || relative.contains("//") {
		return None;
	}
	let candidate = Path::new(relative);
	let plain = candidate.components().all(|c| match c {
		Component::Normal(segment) => !segment.to_string_lossy().starts_with('.'),
		_ => false,
	});
	if !plain {
		return None;
	}
	let root = root.canonicalize().ok()?;
	let file = root.join(candidate).canonicalize().ok()?;
	(file.starts_with(&root) && file.is_file()).then_some(file)
}

/// The content type of a served file, by its extension.
pub fn content_type(path: &Path) -> &'static str {
	match path.extension().and_then(|e| e.to_str()) {
		Some("html") => "text/html; charset=utf-8",
		Some("js") | Some("mjs") => "text/javascript; charset=utf-8",
		Some("css") => "text/css; charset=utf-8",
		Some("json") => "application/json",
		Some("svg") => "image/svg+xml",
		Some("png") => "image/png",
		Some("ico") => "image/x-icon",
		Some("wasm") => "application/wasm",
		_ => "application/octet-stream",
	}
}

/// The bytes of `file` if, as opened, it is a regular file of at most [`MAX_FILE`] bytes: the
/// checks are on the open handle, so a file swapped after [`resolve`] gains nothing.
async fn read_regular_file(file: &Path) -> Option<Vec<u8>> {
	use tokio::io::AsyncReadExt;
	let opened = tokio::fs::File::open(file).await.ok()?;
	let meta = opened.metadata().await.ok()?;
	if !meta.is_file() || meta.len() > MAX_FILE {
		return None;
	}
	let mut bytes = Vec::with_capacity(meta.len() as usize);
	opened.take(MAX_FILE + 1).read_to_end(&mut bytes).await.ok()?;
	(bytes.len() as u64 <= MAX_FILE).then_some(bytes)
}

fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
	Response::builder()
		.status(status)
		.header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
		.body(Full::new(Bytes::from_static(text.as_bytes())))
		.expect("a valid response")
}

/// The answer to `req`, from the dashboard in `root`, for a node whose JSON-RPC is on
/// `rpc_port`.
pub async fn answer<B>(root: &Path, rpc_port: u16, req: &Request<B>) -> Response<Full<Bytes>> {
	if req.method() != Method::GET && req.method() != Method::HEAD {
		return plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
	}
	let head = req.method() == Method::HEAD;
	let path = req.uri().path();
	let (body, kind, cache) = if path == "/config.json" {
		let config = serde_json::json!({ "rpcPort": rpc_port }).to_string();
		(Bytes::from(config), "application/json", "no-store")
	} else {
		let Some(file) = resolve(root, path) else {
			return plain(StatusCode::NOT_FOUND, "not found\n");
		};
		let Some(bytes) = read_regular_file(&file).await else {
			return plain(StatusCode::NOT_FOUND, "not found\n");
		};
		// Vite names its assets by their hash: they never change under one name.
		let cache =
			if path.starts_with("/assets/") { "public, max-age=31536000" } else { "no-cache" };
		(Bytes::from(bytes), content_type(&file), cache)
	};
	Response::builder()
		.header(header::CONTENT_TYPE, kind)
		.header(header::CACHE_CONTROL, cache)
		.header(header::CONTENT_LENGTH, body.len())
		.header("x-content-type-options", "nosniff")
		.body(Full::new(if head { Bytes::new() } else { body }))
		.expect("a valid response")
}

/// Bind `params.dashboard` now (a taken port fails the node's start) and return the task that
/// serves the dashboard, or `None` when no address is given.
pub fn start(
	params: &DashboardParams,
	rpc_port: u16,
) -> Result<Option<impl std::future::Future<Output = ()> + Send + 'static>, String> {
	let Some(addr) = params.dashboard else { return Ok(None) };
	let root = params.dashboard_dir.clone();
	if resolve(&root, "/").is_none() {
		return Err(format!(
			"--dashboard: no built dashboard in {root:?} (run `npm ci && npm run build` in \
			 dashboard/, or name the directory with --dashboard-dir)"
		));
	}
	let listener = std::net::TcpListener::bind(addr)
		.map_err(|e| format!("--dashboard cannot listen on {addr}: {e}"))?;
	listener.set_nonblocking(true).map_err(|e| e.to_string())?;
	log::info!(target: "dashboard", "📊 the network dashboard on http://{addr}");
	let root = Arc::new(root);
	Ok(Some(async move {
		let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
			log::error!(target: "dashboard", "the dashboard's listener cannot be used");
			return;
		};
		let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
		loop {
			let Ok(permit) = slots.clone().acquire_owned().await else { return };
			let (stream, _) = match listener.accept().await {
				Ok(accepted) => accepted,
				Err(e) => {
					log::debug!(target: "dashboard", "accept failed: {e}");
					tokio::time::sleep(Duration::from_millis(100)).await;
					continue;
				}
			};
			let root = root.clone();
			tokio::spawn(async move {
				let _permit = permit;
				let service = hyper::service::service_fn(move |req: Request<Incoming>| {
					let root = root.clone();
					async move { Ok::<_, Infallible>(answer(&root, rpc_port, &req).await) }
				});
				let mut builder = hyper::server::conn::http1::Builder::new();
				builder.timer(TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT);
				let served = builder.serve_connection(TokioIo::new(stream), service);
				match tokio::time::timeout(CONNECTION_TIMEOUT, served).await {
					Ok(Err(e)) => log::debug!(target: "dashboard", "a connection ended: {e}"),
					Err(_) => log::debug!(target: "dashboard", "a connection timed out"),
					Ok(Ok(())) => {}
				}
			});
		}
	}))
}

#[cfg(test)]
mod tests {
	use super::*;
	use http_body_util::BodyExt;

	fn site() -> tempfile::TempDir {
		let dir = tempfile::tempdir().unwrap();
		let root = dir.path().join("dist");
		std::fs::create_dir_all(root.join("assets")).unwrap();
		std::fs::write(root.join("index.html"), "<html>dashboard</html>").unwrap();
		std::fs::write(root.join("assets/app.js"), "console.log(1)").unwrap();
		std::fs::write(root.join(".secret"), "hidden").unwrap();
		std::fs::write(dir.path().join("outside.txt"), "outside").unwrap();
		std::os::unix::fs::symlink(dir.path().join("outside.txt"), root.join("link.txt")).unwrap();
		dir
	}

	#[test]
	fn only_files_inside_the_dashboard_are_served() {
		let dir = site();
		let root = dir.path().join("dist");
		assert_eq!(resolve(&root, "/"), Some(root.join("index.html").canonicalize().unwrap()));
		assert!(resolve(&root, "/assets/app.js?v=1").is_some());
		for attack in [
			"/../outside.txt",
			"/assets/../../outside.txt",
			"/%2e%2e/outside.txt",
			"/.secret",
			"/link.txt",
			"/assets\\..\\..\\outside.txt",
			"//etc/passwd",
			"/assets/",
			"/missing.js",
			"/index.html\0.js",
		] {
			assert_eq!(resolve(&root, attack), None, "{attack}");
		}
	}

	#[test]
	fn content_types_follow_the_extension() {
		assert_eq!(content_type(Path::new("a/index.html")), "text/html; charset=utf-8");
		assert_eq!(content_type(Path::new("a.js")), "text/javascript; charset=utf-8");
		assert_eq!(content_type(Path::new("a.unknown")), "application/octet-stream");
	}

	async fn get(root: &Path, method: Method, path: &str) -> (StatusCode, String) {
		let req = Request::builder().method(method).uri(path).body(()).unwrap();
		let response = answer(root, 9944, &req).await;
		let status = response.status();
		let body = response.into_body().collect().await.unwrap().to_bytes();
		(status, String::from_utf8_lossy(&body).into_owned())
	}

	#[tokio::test]
	async fn pages_config_and_refusals() {
		let dir = site();
		let root = dir.path().join("dist");
		assert_eq!(
			get(&root, Method::GET, "/").await,
			(StatusCode::OK, "<html>dashboard</html>".into())
		);
		let (status, config) = get(&root, Method::GET, "/config.json").await;
		assert_eq!((status, config.as_str()), (StatusCode::OK, r#"{"rpcPort":9944}"#));
		assert_eq!(get(&root, Method::HEAD, "/").await, (StatusCode::OK, String::new()));
		assert_eq!(get(&root, Method::POST, "/").await.0, StatusCode::METHOD_NOT_ALLOWED);
		assert_eq!(get(&root, Method::GET, "/../outside.txt").await.0, StatusCode::NOT_FOUND);
	}

	#[test]
	fn a_missing_dashboard_is_refused_at_start_with_the_remedy() {
		let dir = tempfile::tempdir().unwrap();
		let params = DashboardParams {
			dashboard: Some("127.0.0.1:0".parse().unwrap()),
			dashboard_dir: dir.path().join("nothing"),
		};
		let error = start(&params, 9944).err().expect("refused");
		assert!(error.contains("npm run build"), "{error}");
		let none = DashboardParams { dashboard: None, dashboard_dir: dir.path().into() };
		assert!(start(&none, 9944).unwrap().is_none());
	}
}
