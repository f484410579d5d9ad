//! Where the password or token comes from: the environment variable the settings name, or else the OS
//! keyring (the Secret Service on Linux). Never the registry file, a backup, a log line or a message.

use modelops_core::remote::{AuthKind, RemoteSettings};

pub use crate::client::Auth;
use crate::error::{Result, SyncError};

const SERVICE: &str = "ModelOps team registry";

fn what(auth: AuthKind) -> &'static str {
    match auth {
        AuthKind::Token => "token",
        _ => "password",
    }
}

/// The keyring entry of a server and user: one per (address, username), so two servers don't share one.
fn entry(settings: &RemoteSettings) -> Result<keyring::Entry> {
    let user = format!(
        "{}|{}",
        settings.url,
        settings.username.as_deref().unwrap_or("token")
    );
    keyring::Entry::new(SERVICE, &user).map_err(|e| unavailable(settings.auth, e))
}

fn unavailable(auth: AuthKind, e: keyring::Error) -> SyncError {
    SyncError::KeyringUnavailable {
        what: what(auth),
        detail: e.to_string(),
    }
}

/// Saves the secret for these settings in the keyring.
pub fn store_secret(settings: &RemoteSettings, secret: &str) -> Result<()> {
    entry(settings)?
        .set_password(secret)
        .map_err(|e| unavailable(settings.auth, e))
}

/// Removes the saved secret, if there is one. A missing keyring or entry is not an error: nothing to remove.
pub fn forget_secret(settings: &RemoteSettings) {
    if let Ok(e) = entry(settings) {
        let _ = e.delete_credential();
    }
}

/// The credentials the client sends.
pub fn auth_for(settings: &RemoteSettings) -> Result<Auth> {
    if settings.auth == AuthKind::None {
        return Ok(Auth::None);
    }
    let secret =
        match &settings.secret_env {
            Some(var) => std::env::var(var).map_err(|_| SyncError::MissingSecret {
                what: what(settings.auth),
                server: settings.url.clone(),
                how: format!("the environment variable {var} is not set."),
            })?,
            None => match entry(settings)?.get_password() {
                Ok(s) => s,
                Err(keyring::Error::NoEntry) => return Err(SyncError::MissingSecret {
                    what: what(settings.auth),
                    server: settings.url.clone(),
                    how: "enter it in Team registry, or give --password-stdin / --token-stdin to \
                          `modelops remote set`."
                        .to_owned(),
                }),
                Err(e) => return Err(unavailable(settings.auth, e)),
            },
        };
    Ok(auth_with(settings, secret))
}

/// The credentials of these settings with this secret.
pub fn auth_with(settings: &RemoteSettings, secret: String) -> Auth {
    match settings.auth {
        AuthKind::None => Auth::None,
        AuthKind::Basic => Auth::Basic {
            username: settings.username.clone().unwrap_or_default(),
            password: secret,
        },
        AuthKind::Token => Auth::Bearer(secret),
    }
}

/// Whether a secret is available for these settings, in words for `remote show` (never the secret).
pub fn secret_source(settings: &RemoteSettings) -> String {
    match (settings.auth, &settings.secret_env) {
        (AuthKind::None, _) => "none".to_owned(),
        (_, Some(var)) => format!(
            "environment variable {var} ({})",
            if std::env::var_os(var).is_some() {
                "set"
            } else {
                "not set"
            }
        ),
        (auth, None) => match entry(settings).and_then(|e| {
            e.get_password()
                .map(|_| ())
                .map_err(|e| unavailable(auth, e))
        }) {
            Ok(()) => "OS keyring".to_owned(),
            Err(SyncError::KeyringUnavailable { detail, .. })
                if detail.contains("No matching entry") =>
            {
                "OS keyring (nothing saved)".to_owned()
            }
            Err(e) => format!("OS keyring unavailable: {e}"),
        },
    }
}
