from __future__ import annotations

import datetime as dt

from django_tasks import task

from enhance.core.scheduling import daily


@task()
def make_download(download_id: int) -> str:
    """Write a large workbook someone asked for, in the background."""
    from enhance.core.downloads import download_make

    return download_make(download_id)


@daily("core_clear_old_downloads", at=dt.time(3, 0))
@task()
def clear_old_downloads() -> int:
    """Each night: workbooks made more than a week ago are deleted."""
    from enhance.core.downloads import downloads_clear_old

    return downloads_clear_old()
