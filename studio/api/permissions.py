"""The API's permission class: a thin adapter over studio.permissions, which stays the one policy.

Lists and lookups already come from `permissions.visible(...)`, so an object of a show the person is not on is a
404 before this class is asked; this class answers "may they read / change this object they can see" (403).
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from studio import permissions


class SlatePermission(BasePermission):
    message = "You do not have permission to do that."

    def has_permission(self, request, view) -> bool:
        # access_for() treats anonymous and deactivated people alike: no person, no access.
        return permissions.access_for(request.user).person is not None

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return permissions.can_view(request.user, obj)
        return permissions.can_change(request.user, obj)
