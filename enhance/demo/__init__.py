"""Realistic, fictional, deterministic demo data: the seven regional trailblazers in their
own shapes, about 150 learners, and one sign-in per role. Never load this in production.

The top layer: it may use every app. One module per area; `loader.load_demo` runs them."""
