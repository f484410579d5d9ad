//! What WebKitGTK reads from the environment, set before the first window exists. WebKit starts its web
//! process from the app, and that process inherits the app's environment: these variables are how the app
//! tunes the web process, since wry creates WebKit's context without a way to pass settings to it.
//! A variable the user has set is left as it is, so each default can be overridden from the shell.

/// Sets the defaults below. Before any thread of ours or GTK's exists: nothing else reads the environment
/// concurrently.
pub(crate) fn prepare() {
    #[cfg(target_os = "linux")]
    {
        software_rendering_without_gpu();
        for (name, value) in missing(&JS_ENGINE, |name| std::env::var_os(name).is_some()) {
            std::env::set_var(name, value);
        }
    }
}

/// JavaScriptCore's options for the page (docs/adr/0024-a-small-javascript-engine-footprint.md). As
/// shipped, on a machine with 16 GB or more, JavaScriptCore lets its heap reach 32 MB before its first
/// collection and grows it up to threefold, and compiles hot code through four tiers. The page is a table of
/// ~20 rows and a few panels: it never needs the two optimising tiers, and a small heap collects in a few
/// milliseconds. With these the app uses ~45 MB less memory after scrolling; view changes stay within their
/// 50 ms, and a steady scroll's frames within 33 ms (BENCHMARKS.md, issue 17).
#[cfg(target_os = "linux")]
const JS_ENGINE: [(&str, &str); 4] = [
    // Baseline JIT and the interpreter only: the DFG and FTL tiers keep compiler data per optimised function.
    ("JSC_useDFGJIT", "0"),
    // The heap's growth policy for small machines (the "aggressive" one is for 16 GB and up) ...
    ("JSC_aggressiveHeapThresholdInMB", "1048576"),
    // ... collecting from 4 MB on, not 32 MB ...
    ("JSC_largeHeapSize", "4194304"),
    // ... and letting the heap grow by half of what survives a collection, not double it. 1.3 used as much
    // memory with half again as many collections; 2 used 13 MB more.
    ("JSC_smallHeapGrowthFactor", "1.5"),
];

/// The defaults whose variable is not set.
#[cfg(target_os = "linux")]
fn missing(
    defaults: &[(&'static str, &'static str)],
    is_set: impl Fn(&str) -> bool,
) -> Vec<(&'static str, &'static str)> {
    defaults
        .iter()
        .copied()
        .filter(|(name, _)| !is_set(name))
        .collect()
}

/// Without a GPU, WebKitGTK's accelerated compositing runs OpenGL on the CPU (Mesa's llvmpipe), and every
/// repaint goes through it: scrolling the models table took 170 ms a frame that way, 16 ms with plain software
/// painting (docs/adr/0009-software-painting-without-a-gpu.md). So when the machine has no DRM render node, the
/// app asks WebKit for software painting, unless the user chose a compositing mode themselves.
#[cfg(target_os = "linux")]
fn software_rendering_without_gpu() {
    const VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    if std::env::var_os(VAR).is_some() || has_render_node(std::path::Path::new("/dev/dri")) {
        return;
    }
    std::env::set_var(VAR, "1");
}

/// Whether `dri` holds a DRM render node (`renderD128`, …), i.e. a GPU that WebKit can composite with.
#[cfg(target_os = "linux")]
fn has_render_node(dri: &std::path::Path) -> bool {
    std::fs::read_dir(dri)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn a_variable_the_user_set_is_left_alone() {
        assert_eq!(missing(&JS_ENGINE, |_| false), JS_ENGINE.to_vec());
        let user_wants_dfg = missing(&JS_ENGINE, |name| name == "JSC_useDFGJIT");
        assert_eq!(user_wants_dfg, JS_ENGINE[1..].to_vec());
        assert!(missing(&JS_ENGINE, |_| true).is_empty());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_render_node_means_a_gpu_to_composite_with() {
        let dri = tempfile::tempdir().unwrap();
        assert!(!has_render_node(&dri.path().join("missing")));
        std::fs::write(dri.path().join("card0"), b"").unwrap();
        assert!(
            !has_render_node(dri.path()),
            "a card node alone is no render node"
        );
        std::fs::write(dri.path().join("renderD128"), b"").unwrap();
        assert!(has_render_node(dri.path()));
    }
}
