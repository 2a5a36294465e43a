"""The chaseflow command line."""
