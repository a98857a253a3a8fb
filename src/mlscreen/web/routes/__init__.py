"""Routes, one module per area; every route is named, and the policy maps each name to an action."""
