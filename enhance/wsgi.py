import os

from django.core.wsgi import get_wsgi_application

from enhance.core.runtime import settle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enhance.settings")
application = get_wsgi_application()
settle()
