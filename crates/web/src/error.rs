//! Errors as the API answers them: a status and `{"error": {"code", "message"}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use recount_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable word for programs: bad_request, unauthorized, forbidden, not_found,
    /// method_not_allowed, request_timeout, conflict, payload_too_large,
    /// unsupported_media_type, unprocessable, client_error (another 4xx), internal.
    pub code: &'static str,
    /// What went wrong and what to do, for people.
    pub message: String,
}

/// An error with the status it is answered with.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    pub fn code(&self) -> &'static str {
        match self.status {
            StatusCode::BAD_REQUEST => "bad_request",
            StatusCode::UNAUTHORIZED => "unauthorized",
            StatusCode::FORBIDDEN => "forbidden",
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
            StatusCode::REQUEST_TIMEOUT => "request_timeout",
            StatusCode::CONFLICT => "conflict",
            StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            StatusCode::UNPROCESSABLE_ENTITY => "unprocessable",
            s if s.is_client_error() => "client_error",
            _ => "internal",
        }
    }
}

/// The message of an error whose maker gave none worth showing (axum answers 405 and
/// tower-http 408 with an empty body, and 413 with "length limit exceeded").
fn default_message(status: StatusCode) -> Option<&'static str> {
    Some(match status {
        StatusCode::NOT_FOUND => "no such route",
        StatusCode::METHOD_NOT_ALLOWED => {
            "this route does not take that method (the Allow header lists those it takes)"
        }
        StatusCode::REQUEST_TIMEOUT => "the request took longer than the server allows",
        StatusCode::PAYLOAD_TOO_LARGE => "the request body is over the server's limit",
        _ => return None,
    })
}

/// Most of an error body read to become the JSON error's message.
const MAX_ERROR_BODY: usize = 16 * 1024;

/// Makes every error the server answers the JSON error, whoever answered it: a handler
/// (already JSON), or axum's extractors and router and tower-http's layers (a malformed
/// query, a path that does not decode, a body over the limit, an unknown method, a
/// timeout), which answer in plain text or with no body. Their text becomes the message
/// (for 405, 408 and 413 a fixed one); the headers the status needs (`Allow`,
/// `WWW-Authenticate`) are kept. The dashboard's error pages (HTML) stay pages.
pub(crate) async fn json_errors(resp: Response) -> Response {
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let kind = resp
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if kind.starts_with("application/json") || kind.starts_with("text/html") {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let text = axum::body::to_bytes(body, MAX_ERROR_BODY)
        .await
        .ok()
        .and_then(|b| String::from_utf8(b.to_vec()).ok())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    let message = match (default_message(status), text) {
        (Some(fixed), _) => fixed.to_string(),
        (None, Some(text)) => text,
        (None, None) => status
            .canonical_reason()
            .unwrap_or("the request failed")
            .to_string(),
    };
    let (json_parts, json_body) = ApiError::new(status, message).into_response().into_parts();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    for (name, value) in json_parts.headers.iter() {
        parts.headers.insert(name.clone(), value.clone());
    }
    Response::from_parts(parts, json_body)
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NoIncident(_) | StoreError::NotFound(_) => {
                ApiError::not_found(e.to_string())
            }
            StoreError::BadEdit(_) => ApiError::bad_request(e.to_string()),
            StoreError::TokenExists(_) => ApiError::new(StatusCode::CONFLICT, e.to_string()),
            other => ApiError::internal(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = (
            self.status,
            axum::Json(ErrorBody {
                error: ErrorDetail {
                    code: self.code(),
                    message: self.message.clone(),
                },
            }),
        )
            .into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"recount\""),
            );
        }
        resp
    }
}
