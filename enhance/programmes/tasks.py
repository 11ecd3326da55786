from __future__ import annotations

from django_tasks import task


@task()
def deliver_announcement(announcement_id: int) -> int:
    """Send a lead's message to its learners, in the background."""
    from enhance.programmes.announcements import announcement_deliver

    return announcement_deliver(announcement_id)
