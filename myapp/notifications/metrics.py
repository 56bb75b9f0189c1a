"""The outbox backlog as a Prometheus gauge, read from the database at each scrape."""

from collections.abc import Iterator

from flask import Flask
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from myapp.extensions import db
from myapp.notifications.models import FAILED, PENDING, SENDING
from myapp.notifications.services import backlog


class OutboxCollector(Collector):
    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily(
            "conduit_outbox_notifications",
            "Notifications in the outbox by status (pending and sending: not yet delivered)",
            labels=["status"],
        )
        with self.app.app_context():
            try:
                counts = backlog()
            except Exception:  # the database is down: report no numbers rather than fail
                return
            finally:
                db.session.remove()
        for status in (PENDING, SENDING, FAILED):
            gauge.add_metric([status], counts.get(status, 0))
        yield gauge
