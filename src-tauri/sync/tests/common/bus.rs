//! Test support for what lives on D-Bus: a private session bus, and a real Secret Service on it
//! (gnome-keyring, installed by `scripts/setup.sh --test`). Included by path from the end-to-end tests and
//! from the team-sync tests' harness; each part is used by some of them.
#![allow(dead_code)]

use std::io::Write;
use std::time::{Duration, Instant};

/// A private D-Bus session bus, so that no other test (and no desktop session) sees what a test puts on it.
/// It starts no services on demand: with the system's session configuration the app's webview activated the
/// accessibility bus and the desktop portals, which outlived the test, and the accessibility bus announces
/// itself on the X display that the next tests share.
pub struct SessionBus {
    daemon: std::process::Child,
    pub address: String,
    _config: tempfile::TempDir,
}

/// A session bus's configuration without the service folders of the system's one.
const BUS_CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

impl SessionBus {
    pub fn start() -> SessionBus {
        use std::io::BufRead;
        let config = tempfile::tempdir().expect("bus config dir");
        let config_file = config.path().join("session.conf");
        std::fs::write(&config_file, BUS_CONFIG).expect("write bus config");
        // In the foreground, so the test owns (and ends) it; it prints its address once it listens.
        let mut daemon = std::process::Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config_file.display()))
            .args(["--nofork", "--nopidfile", "--print-address=1"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("start dbus-daemon (package dbus)");
        let stdout = daemon.stdout.take().expect("dbus-daemon stdout");
        let mut address = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut address)
            .expect("bus address");
        let address = address.trim().to_owned();
        assert!(!address.is_empty(), "dbus-daemon printed no address");
        SessionBus {
            daemon,
            address,
            _config: config,
        }
    }

    pub fn name_has_owner(&self, name: &str) -> bool {
        std::process::Command::new("dbus-send")
            .args([
                &format!("--bus={}", self.address),
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                &format!("string:{name}"),
            ])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
            .unwrap_or(false)
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// gnome-keyring's Secret Service on a private session bus, its keyrings in a temporary home, its login
/// keyring created and unlocked with a test password, as a desktop login does. Stopped (with the bus) when
/// dropped, whether the test passed or not.
pub struct SecretService {
    daemon: std::process::Child,
    pub bus: SessionBus,
    _home: tempfile::TempDir,
}

impl SecretService {
    pub fn start() -> SecretService {
        let bus = SessionBus::start();
        let home = tempfile::tempdir().expect("keyring home");
        let runtime = home.path().join("run");
        std::fs::create_dir(&runtime).expect("runtime dir");
        let mut daemon = std::process::Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_RUNTIME_DIR", &runtime)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start gnome-keyring-daemon (package gnome-keyring; scripts/setup.sh --test)");
        // --unlock reads the login keyring's password from stdin, up to its end.
        let mut stdin = daemon.stdin.take().expect("keyring stdin");
        stdin
            .write_all(b"login-keyring-test-password")
            .expect("unlock password");
        drop(stdin);
        let service = SecretService {
            daemon,
            bus,
            _home: home,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while !service.bus.name_has_owner("org.freedesktop.secrets") {
            assert!(
                Instant::now() < deadline,
                "gnome-keyring-daemon did not take org.freedesktop.secrets within 20 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        service
    }
}

impl Drop for SecretService {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// What libsecret's `secret-tool` finds under these attributes in the Secret Service on the bus at
/// `bus_address`: the other side's view of the keyring.
pub fn secret_tool_lookup(bus_address: &str, attributes: &[(&str, &str)]) -> Option<String> {
    let mut cmd = std::process::Command::new("secret-tool");
    cmd.arg("lookup")
        .env("DBUS_SESSION_BUS_ADDRESS", bus_address);
    for (k, v) in attributes {
        cmd.args([k, v]);
    }
    let out = cmd
        .output()
        .expect("run secret-tool (package libsecret-tools; scripts/setup.sh --test)");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
