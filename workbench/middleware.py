"""Each user reads the workbench in the language of their profile."""

from django.utils import translation


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from .access import profile

            language = profile(user).language
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if user is not None and user.is_authenticated:
            response.headers.setdefault("Content-Language",
                                        request.LANGUAGE_CODE)
        return response
