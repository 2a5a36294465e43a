"""The only place that talks to AWS (boto3). Each adapter implements a port from ``shared.ports``."""
