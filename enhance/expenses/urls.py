from django.urls import path

from enhance.expenses import views

app_name = "expenses"

urlpatterns = [
    path("", views.my_claims, name="my_claims"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/journeys/<int:journey_pk>/delete/", views.journey_delete, name="journey_delete"),
    path("claims/<int:pk>/submit/", views.claim_submit, name="claim_submit"),
    path("claims/<int:pk>/approve/", views.claim_approve, name="claim_approve"),
    path("claims/<int:pk>/return/", views.claim_return, name="claim_return"),
    path("claims/<int:pk>/paid/", views.mark_paid, name="mark_paid"),
    path("receipts/<int:pk>/", views.receipt, name="receipt"),
    path("approvals/", views.approvals, name="approvals"),
    path("finance/", views.finance, name="finance"),
    path("finance/<int:org_pk>/export/", views.export, name="export"),
    path("finance/<int:org_pk>/payments/", views.payment_file, name="payment_file"),
    path("batches/<int:pk>.<str:fmt>", views.batch_download, name="batch_download"),
]
