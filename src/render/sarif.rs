//! Placeholder so the crate builds while this renderer is written.

use super::Context;

pub fn score(ctx: &Context<'_>) -> serde_json::Value {
    super::json::score(ctx)
}
