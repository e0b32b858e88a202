# Celery's Django layout: the app is loaded with Django, so @shared_task binds to it (thinkproject/celery.py).
from thinkproject.celery import app as celery_app

__all__ = ("celery_app",)
