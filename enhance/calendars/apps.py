from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "enhance.calendars"
    label = "calendars"
    verbose_name = "Calendars"
