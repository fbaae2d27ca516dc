//! API tokens: `Authorization: Bearer SECRET`, or the dashboard's cookie set by the login
//! form. Only the sha256 of a secret is stored; the token's name is who a review action
//! is recorded as.

use crate::{ApiError, AppState};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, Method};
use recount_store::{Role, Token};
use sha2::{Digest, Sha256};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

/// The dashboard's cookie that carries a token secret.
pub const COOKIE: &str = "recount_token";

/// A new random token secret: `rct_` and 32 random bytes in hex.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    format!("rct_{}", hex::encode(bytes))
}

/// The sha256 (hex) of a secret, as the store keeps it.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.trim().as_bytes()))
}

/// Who is calling: the token presented, if any.
pub struct Caller {
    pub token: Option<Token>,
}

impl Caller {
    /// Reads are open when the server says so, else they need any live token.
    pub fn may_read(&self, state: &AppState) -> Result<(), ApiError> {
        if state.config.public_reads || self.token.is_some() {
            Ok(())
        } else {
            Err(ApiError::unauthorized(
                "reads need a token on this server: send Authorization: Bearer SECRET",
            ))
        }
    }

    /// The token, when its role is at least `role`: 401 without a token, 403 below it.
    pub fn require(&self, role: Role) -> Result<&Token, ApiError> {
        match &self.token {
            None => Err(ApiError::unauthorized(format!(
                "this needs a token with the role {} or above: send Authorization: Bearer SECRET",
                role.as_str()
            ))),
            Some(t) if t.role < role => Err(ApiError::forbidden(format!(
                "token '{}' has the role {}; this needs {} or above",
                t.name,
                t.role.as_str(),
                role.as_str()
            ))),
            Some(t) => Ok(t),
        }
    }

    pub fn role(&self) -> Option<Role> {
        self.token.as_ref().map(|t| t.role)
    }
}

fn cookie_secret(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

/// A form posted from another site must not ride on the dashboard's cookie: the
/// cookie is SameSite=Strict, and an Origin header, when sent, must be this host.
fn same_origin(parts: &Parts) -> bool {
    let Some(origin) = parts
        .headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    else {
        return true;
    };
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest == host)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let bearer = match parts.headers.get(header::AUTHORIZATION) {
            None => None,
            Some(v) => {
                let v = v
                    .to_str()
                    .map_err(|_| ApiError::unauthorized("Authorization header is not text"))?;
                let secret = v.strip_prefix("Bearer ").ok_or_else(|| {
                    ApiError::unauthorized("Authorization must be 'Bearer SECRET'")
                })?;
                Some(secret.trim().to_string())
            }
        };
        let (secret, by_cookie) = match bearer {
            Some(s) => (Some(s), false),
            None => (cookie_secret(parts), true),
        };
        let Some(secret) = secret else {
            return Ok(Caller { token: None });
        };
        if by_cookie && parts.method != Method::GET && !same_origin(parts) {
            return Err(ApiError::forbidden(
                "a form from another site cannot act with this dashboard's login",
            ));
        }
        let hash = hash_secret(&secret);
        let token = state
            .with_store(move |s| Ok(s.token_by_secret(&hash)?))
            .await?;
        match token {
            Some(t) => Ok(Caller { token: Some(t) }),
            // A stale cookie is no login; a wrong header is an error the caller must see.
            None if by_cookie => Ok(Caller { token: None }),
            None => Err(ApiError::unauthorized("unknown or revoked token")),
        }
    }
}

/// Declares the bearer scheme in the OpenAPI document.
pub struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A token from `recount token create --role reader|editor|admin`",
                    ))
                    .build(),
            ),
        );
    }
}
