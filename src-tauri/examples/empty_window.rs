//! The floor for the app's memory (issue 16): a Tauri window on the same
//! WebKitGTK with an empty page and nothing else. The window bench
//! (`scripts/measure-window.sh`) measures it in the same run as the app and
//! prints the app's memory as a multiple of it.
//!
//!     cargo build --release --example empty-window --features tauri/custom-protocol

fn main() {
    // The app's own configuration (one Tauri config in the repository), with
    // none of its windows: the one window here shows an empty page.
    let mut context = tauri::generate_context!();
    context.config_mut().app.windows.clear();
    // Its own WebKit data folder: the app may be running beside it.
    context.config_mut().identifier = "ua.clinicdesk.empty-window".into();
    tauri::Builder::default()
        .setup(|app| {
            tauri::WebviewWindowBuilder::new(app, "empty", tauri::WebviewUrl::External("about:blank".parse()?))
                .title("Empty window")
                .inner_size(1366.0, 768.0)
                .build()?;
            Ok(())
        })
        .run(context)
        .expect("the empty window");
}
