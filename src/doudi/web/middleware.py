"""Simplified Chinese first: the language is the user's explicit choice, else Chinese.

Django's LocaleMiddleware follows the browser's Accept-Language; a clerk's browser set to
English would then get an English UI. doudi shows Chinese unless the user picked another
language with the switcher (stored in the language cookie).
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChineseFirstLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response except static files: pages, exports and API
    answers carry personal data, which no browser cache, proxy or back button may keep."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = settings.STATIC_URL or "/static/"

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(self.static_prefix):
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response
