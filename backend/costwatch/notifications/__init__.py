"""Notification channels: email (SMTP), Slack incoming webhooks and signed generic webhooks.

``delivery.Notifier.deliver(channel, message)`` sends one message with bounded retries and
records it in the delivery log; "send test" uses it now, the alert engine for its events.
"""
