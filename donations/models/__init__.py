from donations.models.giving import (
    CampaignSubscriber,
    Donation,
    DonationEntry,
    ReportDelivery,
    ReportMailing,
    Supporter,
)
from donations.models.pages import (
    CampaignIndexPage,
    CampaignPage,
    CampaignReportPage,
    SuggestedAmount,
)

__all__ = [
    "CampaignIndexPage",
    "CampaignPage",
    "CampaignReportPage",
    "CampaignSubscriber",
    "Donation",
    "DonationEntry",
    "ReportDelivery",
    "ReportMailing",
    "SuggestedAmount",
    "Supporter",
]
