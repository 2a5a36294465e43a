"""Infrastructure facts defined once: tables, event contracts, functions and the state machine.

Both the CDK app (``infra/``) and the local runtime on moto (``emulator/``) build from these, and a test
proves they agree. Pure data: no boto3, no CDK.
"""
