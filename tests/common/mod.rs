//! Helpers shared by the integration tests.

use fazhi::diagnostic::Diag;

/// Every diagnostic rendered as a user sees it without colour, at a fixed width, one after another.
pub fn render_all(diags: &[Diag]) -> String {
    if diags.is_empty() {
        return "(no diagnostics)\n".to_string();
    }
    diags
        .iter()
        .map(|d| fazhi::render::diagnostic(d, false))
        .collect::<Vec<_>>()
        .join("\n")
}
