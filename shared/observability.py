"""Logger, tracer and metrics shared by every function (structured JSON logs; EMF metrics)."""

from aws_lambda_powertools import Logger, Metrics, Tracer

SERVICE = "chaseflow"
METRICS_NAMESPACE = "Chaseflow"

logger = Logger(service=SERVICE)
tracer = Tracer(service=SERVICE)
metrics = Metrics(namespace=METRICS_NAMESPACE, service=SERVICE)
