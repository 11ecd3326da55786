from django.urls import path

from enhance.teaching import views

app_name = "teaching"

urlpatterns = [
    path("", views.timetable, name="timetable"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/apologies/", views.apologies, name="apologies"),
    path("sessions/<int:pk>/check-in/", views.check_in, name="check_in"),
    path("sessions/<int:pk>/screen/", views.screen, name="screen"),
    path("sessions/<int:pk>/qr.svg", views.qr_svg, name="qr"),
    path("sessions/<int:pk>/register/", views.register, name="register"),
    path("sessions/<int:pk>/register/close/", views.register_close, name="register_close"),
    path("sessions/<int:pk>/register.<str:fmt>", views.register_export, name="register_export"),
    path("check-in/<int:pk>/<str:token>/", views.scan, name="scan"),
    path("sessions/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("feedback/", views.feedback_summary, name="feedback_summary"),
    path("sessions/<int:pk>/booking/", views.booking, name="booking"),
    path("sessions/<int:pk>/booking/cancel/", views.booking_cancel, name="booking_cancel"),
    path("sessions/<int:pk>/files/", views.material_upload, name="material_upload"),
    path("sessions/<int:pk>/files/<int:file_pk>/", views.material_download, name="material_download"),
    path("sessions/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("leave/", views.leave, name="leave"),
    path("attendance/", views.attendance, name="attendance"),
    path("attendance/export.<str:fmt>", views.attendance_export, name="attendance_export"),
    path("leave/<int:pk>/decide/", views.leave_decide, name="leave_decide"),
    path("leave/<int:pk>/withdraw/", views.leave_withdraw, name="leave_withdraw"),
]
