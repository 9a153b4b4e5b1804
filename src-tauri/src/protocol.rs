//! `clinic://localhost/photo/<id>` and `clinic://localhost/result/<id>`: photos
//! and result files for <img>, PDF preview and downloads, streamed straight
//! from the database without crossing the JSON bridge. And
//! `POST clinic://localhost/staging/<result id>?offset=N`: a raw chunk of a
//! result file dropped on the window or picked in its file input, staged
//! until `attach_staged_result` stores it.

use std::str::FromStr;

use clinic_domain::ids::{PhotoId, ResultId};
use clinic_domain::AppError;
use clinic_station::Station;
use tauri::http::{Method, Request, Response, StatusCode};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};
use uuid::Uuid;

/// The app's own pages: `tauri://localhost` (Linux, macOS), the
/// `http(s)://tauri.localhost` of Windows, and under `tauri dev` the Vite
/// server. Only these may read what this protocol answers.
fn app_origin(origin: &str) -> bool {
    matches!(origin, "tauri://localhost" | "http://tauri.localhost" | "https://tauri.localhost")
        || (cfg!(debug_assertions) && origin == "http://localhost:5173")
}

pub fn handle<R: Runtime>(ctx: UriSchemeContext<'_, R>, request: Request<Vec<u8>>, responder: UriSchemeResponder) {
    let app = ctx.app_handle().clone();
    let origin = request.headers().get("Origin").and_then(|o| o.to_str().ok()).map(str::to_string);
    // A request some other page made is refused outright.
    if origin.as_deref().is_some_and(|o| !app_origin(o)) {
        responder.respond(plain(StatusCode::FORBIDDEN, "not from this app"));
        return;
    }
    let answer = move |response: Response<Vec<u8>>| with_origin(response, origin.as_deref());
    if request.method() == Method::OPTIONS {
        responder
            .respond(answer(Response::builder().status(StatusCode::NO_CONTENT).body(Vec::new()).unwrap_or_default()));
        return;
    }
    if request.method() == Method::POST {
        responder.respond(answer(stage(app.state::<Station>().inner(), &request)));
        return;
    }
    let path = request.uri().path().to_string();
    tauri::async_runtime::spawn(async move {
        responder.respond(answer(serve(app.state::<Station>().inner(), &path).await));
    });
}

pub fn stage(station: &Station, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    let id = request.uri().path().strip_prefix("/staging/").and_then(|id| Uuid::from_str(id).ok());
    let offset = request
        .uri()
        .query()
        .and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("offset=")))
        .and_then(|n| n.parse::<u64>().ok());
    let (Some(id), Some(offset)) = (id, offset) else {
        return plain(StatusCode::NOT_FOUND, "no such upload");
    };
    match station.stage_result_chunk(ResultId(id), offset, request.body()) {
        Ok(staged) => plain(StatusCode::OK, &staged.to_string()),
        // The typed error, as commands send it, for the window to show.
        Err(error) => Response::builder()
            .status(StatusCode::BAD_REQUEST)
            .header("Content-Type", "application/json")
            .header("X-Content-Type-Options", "nosniff")
            .body(serde_json::to_vec(&error).unwrap_or_default())
            .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "response")),
    }
}

async fn serve(station: &Station, path: &str) -> Response<Vec<u8>> {
    let mut parts = path.trim_start_matches('/').splitn(2, '/');
    let (kind, id) = (parts.next().unwrap_or_default(), parts.next().and_then(|id| Uuid::from_str(id).ok()));
    // Photos of doctors and diagnostics may stay in the web view's cache;
    // patients' files never do.
    let cache = match kind {
        "photo" => "private, max-age=31536000, immutable",
        _ => "no-store",
    };
    let found = match (kind, id) {
        ("photo", Some(id)) => match station.reader().await {
            Ok(clinic) => clinic.photo(PhotoId(id)).await,
            Err(e) => Err(e),
        },
        ("result", Some(id)) => match station.reader().await {
            Ok(clinic) => clinic.result_file(ResultId(id)).await.map(|(info, bytes)| (info.media_type, bytes)),
            Err(e) => Err(e),
        },
        _ => return plain(StatusCode::NOT_FOUND, "no such resource"),
    };
    match found {
        Ok((media_type, bytes)) => Response::builder()
            .status(StatusCode::OK)
            .header("Content-Type", media_type)
            // The type the database sniffed on upload, never guessed again.
            .header("X-Content-Type-Options", "nosniff")
            .header("Cache-Control", cache)
            .body(bytes)
            .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "response")),
        Err(AppError::NotFound { .. }) => plain(StatusCode::NOT_FOUND, "not found"),
        Err(AppError::Offline { .. }) => plain(StatusCode::SERVICE_UNAVAILABLE, "the clinic database is unreachable"),
        Err(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, "could not read it"),
    }
}

/// The window's pages come from another origin (tauri://localhost) than
/// this protocol: `fetch` needs CORS headers to read the answer, given to
/// the app's own origin only.
fn with_origin(mut response: Response<Vec<u8>>, origin: Option<&str>) -> Response<Vec<u8>> {
    let headers = response.headers_mut();
    if let Some(origin) = origin.filter(|o| app_origin(o)).and_then(|o| o.parse().ok()) {
        headers.insert("Access-Control-Allow-Origin", origin);
        headers.insert("Access-Control-Allow-Methods", tauri::http::HeaderValue::from_static("GET, POST"));
        headers.insert("Access-Control-Allow-Headers", tauri::http::HeaderValue::from_static("Content-Type"));
    }
    headers.insert("Vary", tauri::http::HeaderValue::from_static("Origin"));
    response
}

fn plain(status: StatusCode, text: &str) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header("Content-Type", "text/plain; charset=utf-8")
        .header("X-Content-Type-Options", "nosniff")
        .body(text.as_bytes().to_vec())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_apps_own_pages_may_read_the_answers() {
        assert!(app_origin("tauri://localhost") && app_origin("http://tauri.localhost"));
        for stranger in ["null", "https://evil.example", "tauri://localhost.evil", "http://tauri.localhost:8080"] {
            assert!(!app_origin(stranger), "{stranger}");
        }
        let answered = with_origin(plain(StatusCode::OK, "x"), Some("tauri://localhost"));
        assert_eq!(answered.headers()["Access-Control-Allow-Origin"], "tauri://localhost");
        assert_eq!(answered.headers()["X-Content-Type-Options"], "nosniff");
        let stranger = with_origin(plain(StatusCode::OK, "x"), Some("https://evil.example"));
        assert!(!stranger.headers().contains_key("Access-Control-Allow-Origin"));
    }
}
