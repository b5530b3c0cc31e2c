"""The engine's own working-day numbers: local practice, not law.

The statutory and model deadlines are dated rule sets in `config/rulesets.yaml`. What is left here are the
numbers the engine chooses for itself (how much notice a meeting gets, when a task is due), named so that a
reader finds them in one place and can see that no law stands behind them. Each says where it comes from.
"""

from __future__ import annotations

from datetime import time

MORNING = time(8, 0)  # dated steps (reminders, tasks) go out at 08:00 local time
MEETING_MINUTES = 60  # a follow-up meeting is booked for one hour (roster working hours)
EMPLOYER_REQUEST_SLOTS = 3  # times proposed to the employer in the first request
MAX_HOURS_PER_WEEK = 48  # a partial recovery's hours: the working-time directive's weekly maximum
MAX_EXPECTED_WEEKS = 52  # an expected duration beyond a year is a typing error, not an estimate
MEETING_NOTICE_WORKING_DAYS = 2  # nobody is invited for tomorrow morning: two working days' notice
LATE_MEETING_WORKING_DAYS = 10  # past a deadline the meeting is still owed: book within two weeks
FOLLOWUP_BOOKING_WORKING_DAYS_BEFORE = 10  # a follow-up is booked two weeks before it is due
MEASURE_TASK_WORKING_DAYS_BEFORE = 10  # the measure task comes two weeks before the end of week 13
BOOKING_RETRY_WORKING_DAYS = 1  # no free time or lost every race: try again the next working day
BOOKING_ATTEMPTS = 8  # times to look again when another case takes the same hour first

CALL_EMPLOYER_DUE_WORKING_DAYS = 2  # the caseworker calls the employer within two working days
ESTIMATE_TASK_DUE_WORKING_DAYS = 3  # the employer's estimate is in hand within three working days
INFO_FORM_SEND_DUE_WORKING_DAYS = 0  # the information form goes out on the day of intake
INFO_FORM_TASK_DUE_WORKING_DAYS = 2  # an unanswered information form is followed up within two working days
FAST_TRACK_LAPSED_TASK_DUE_WORKING_DAYS = 1  # the employer hears the next working day that fast track lapsed
RECORD_MEETING_DUE_WORKING_DAYS = 1  # a meeting is recorded the working day after it
COUNTER_TASK_DUE_WORKING_DAYS = 1  # a proposed new time is answered the next working day
RETURN_CHECK_DUE_WORKING_DAYS = 3  # the expected return is followed up within three working days
OUTCOME_TASK_DUE_WORKING_DAYS = 5  # the outcome is recorded within a week of being asked for

ATTEMPTS_BEFORE_ALERT = 12  # an activity failing this often (about an hour of backing off) alerts operations
HOURS_BETWEEN_ALERTED_RETRIES = 1  # after the alert the step is tried again every hour, never dropped
PLAUSIBLE_DAYS_AHEAD = 366  # a date typed more than a year ahead is a typing error (and 9999 would
# overflow the date arithmetic that follows it)
OUTCOME_WAIT_DAYS = 30  # after asking for the outcome, wait this long before "unknown"
HISTORY_EVENT_LIMIT = 8_000  # well under Temporal's 50k limit: a long case continues as new
