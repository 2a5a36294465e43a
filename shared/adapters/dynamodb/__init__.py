"""DynamoDB repositories over the tables of ``shared.platform.tables``."""
