"""The Slack side of use cases: implementations of the Protocols that services define."""
