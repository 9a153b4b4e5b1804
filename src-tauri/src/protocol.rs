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

pub fn handle<R: Runtime>(ctx: UriSchemeContext<'_, R>, request: Request<Vec<u8>>, responder: UriSchemeResponder) {
    let app = ctx.app_handle().clone();
    if request.method() == Method::OPTIONS {
        responder
            .respond(shared(Response::builder().status(StatusCode::NO_CONTENT)).body(Vec::new()).unwrap_or_default());
        return;
    }
    if request.method() == Method::POST {
        responder.respond(stage(app.state::<Station>().inner(), &request));
        return;
    }
    let path = request.uri().path().to_string();
    tauri::async_runtime::spawn(async move {
        responder.respond(serve(app.state::<Station>().inner(), &path).await);
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
        Err(error) => shared(Response::builder())
            .status(StatusCode::BAD_REQUEST)
            .header("Content-Type", "application/json")
            .body(serde_json::to_vec(&error).unwrap_or_default())
            .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "response")),
    }
}

async fn serve(station: &Station, path: &str) -> Response<Vec<u8>> {
    let mut parts = path.trim_start_matches('/').splitn(2, '/');
    let (kind, id) = (parts.next().unwrap_or_default(), parts.next().and_then(|id| Uuid::from_str(id).ok()));
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
        Ok((media_type, bytes)) => shared(Response::builder())
            .status(StatusCode::OK)
            .header("Content-Type", media_type)
            // Ids are never reused, so the content under one never changes.
            .header("Cache-Control", "private, max-age=31536000, immutable")
            .body(bytes)
            .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "response")),
        Err(AppError::NotFound { .. }) => plain(StatusCode::NOT_FOUND, "not found"),
        Err(AppError::Offline { .. }) => plain(StatusCode::SERVICE_UNAVAILABLE, "the clinic database is unreachable"),
        Err(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, "could not read it"),
    }
}

/// The window's pages come from another origin (tauri://localhost) than
/// this protocol: `fetch` needs CORS headers to read the answer.
fn shared(response: tauri::http::response::Builder) -> tauri::http::response::Builder {
    response
        .header("Access-Control-Allow-Origin", "*")
        .header("Access-Control-Allow-Methods", "GET, POST")
        .header("Access-Control-Allow-Headers", "Content-Type")
}

fn plain(status: StatusCode, text: &str) -> Response<Vec<u8>> {
    shared(Response::builder())
        .status(status)
        .header("Content-Type", "text/plain; charset=utf-8")
        .body(text.as_bytes().to_vec())
        .unwrap_or_default()
}
