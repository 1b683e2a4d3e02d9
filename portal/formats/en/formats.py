# English date patterns beyond Django's own, after CLDR's en: "Saturday, December 5, 2026".
# Read by cms.formats.local_date.
WEEKDAY_DATE_FORMAT = "l, F j, Y"
WEEKDAY_DATETIME_FORMAT = "l, F j, Y, P"
SHORT_WEEKDAY_FORMAT = "D, M j"
