import os

os.environ.setdefault("KUBEPREP_TESTING", "1")
os.environ.setdefault("DJANGO_DEBUG", "0")
