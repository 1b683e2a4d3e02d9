# Russian date patterns beyond Django's own (which this module extends, not replaces), after
# CLDR's ru: "суббота, 5 декабря 2026 г.". Read by cms.formats.local_date.
MONTH_DAY_FORMAT = "j E"
WEEKDAY_DATE_FORMAT = "l, j E Y г."
WEEKDAY_DATETIME_FORMAT = "l, j E Y г., G:i"
SHORT_WEEKDAY_FORMAT = "D, j E"
