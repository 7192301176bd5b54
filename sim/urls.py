from django.urls import path

from sim.views import etcd, index, pod, rolling

app_name = "sim"

urlpatterns = [
    path("", index.index, name="index"),
    path("rolling-update/", rolling.page, name="rolling-update"),
    path("etcd/", etcd.page, name="etcd"),
    path("pod-lifecycle/", pod.page, name="pod-lifecycle"),
]
