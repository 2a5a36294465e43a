"""The workflow definition language: models, graph checks and loading."""
