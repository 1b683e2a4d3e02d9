"""Refuses a request that carries a NUL byte, before any view can pass it to the database.

PostgreSQL's text columns cannot hold NUL, so one in a filter or a form value turned into a
500 (``DataError``) wherever it reached a query. No legitimate visitor sends one: the path, the
query string and the form fields are checked once here, and the answer is the 400 page in the
visitor's language (this runs after LocaleMiddleware).
"""

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.utils.decorators import sync_and_async_middleware

NUL = "\x00"


def carries_nul(request):
    if NUL in request.path:
        return True
    fields = [request.GET]
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        fields.append(request.POST)
    for query in fields:
        for key, values in query.lists():
            if NUL in key or any(NUL in value for value in values):
                return True
    return False


@sync_and_async_middleware
def refuse_nul_bytes(get_response):
    from cms.views import bad_request

    if iscoroutinefunction(get_response):

        async def middleware(request):
            if carries_nul(request):
                # The page's context processors may read the database: not in the event loop.
                return await sync_to_async(bad_request)(request, None)
            return await get_response(request)

    else:

        def middleware(request):
            if carries_nul(request):
                return bad_request(request, None)
            return get_response(request)

    return middleware
