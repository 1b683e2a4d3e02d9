# Chinese date patterns beyond Django's own, after CLDR's zh-Hans: the year, month and day first
# with 年 月 日, then the weekday ("2026年12月5日 星期六"), never "星期六 5 十二月".
# Read by cms.formats.local_date.
WEEKDAY_DATE_FORMAT = "Y年n月j日 l"
WEEKDAY_DATETIME_FORMAT = "Y年n月j日 l H:i"
SHORT_WEEKDAY_FORMAT = "n月j日 D"
