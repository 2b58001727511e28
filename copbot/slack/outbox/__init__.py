"""The outbox's Slack side: the kinds of delivery, the client with gates, and the one sender."""
