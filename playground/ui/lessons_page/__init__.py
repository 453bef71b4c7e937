"""The Lessons page, and a lesson open beside the playground's stage."""
