from tourism.models.bookings import Booking, GroupRequest, WaitingListEntry
from tourism.models.pages import TourIndexPage, TourPage
from tourism.models.slots import Slot

__all__ = ["Booking", "GroupRequest", "Slot", "TourIndexPage", "TourPage", "WaitingListEntry"]
