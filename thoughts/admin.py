from django.contrib import admin

from thoughts.models import Thought


@admin.register(Thought)
class ThoughtAdmin(admin.ModelAdmin):
    list_display = ["subject", "author", "quote"]
    list_display_links = ["subject", "author"]
    list_filter = ["subject", "author"]
    search_fields = ["quote", "author", "subject"]
    ordering = ["subject", "id"]
