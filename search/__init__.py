"""The site search. Domains register their public records here (see search.registry):

import search
search.register(Model, documents=callable, queryset=callable, label=_("…"))
"""

from search.registry import Document, register, unregister

__all__ = ["Document", "register", "unregister"]
