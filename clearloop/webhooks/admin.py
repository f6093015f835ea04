from django.contrib import admin

from clearloop.webhooks.models import WebhookDelivery, WebhookEndpoint

admin.site.register(WebhookEndpoint)
admin.site.register(WebhookDelivery)
