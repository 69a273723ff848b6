//! Placeholder so the crate builds while this renderer is written.

use super::Context;

pub fn score(ctx: &Context<'_>) -> String {
    super::human::table(ctx.ruleset, ctx.card)
}
