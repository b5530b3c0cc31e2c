"""The scenario file of `fasthold simuler` (YAML), read into plain dataclasses and checked.

Every number a capacity question turns on is in the file, so two runs of the same file and seed give the same
arrivals and the same people's choices; only the roster size changes between the runs of a sweep. The format
is documented in examples/simulering.yaml and in the README.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import yaml

from domain.localtime import LOCAL_TZ


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message is Danish and names the key."""


@dataclass(frozen=True)
class Duration:
    weeks: int  # expected weeks of absence, as the sick report states it
    share: float


@dataclass(frozen=True)
class Scenario:
    municipality: str = "101"
    municipality_name: str = "Simuleret Kommune"
    seed: int = 1
    start: date | None = None  # the first simulated day; None: the day it is run
    weeks: int = 52  # weeks of arrivals
    tail_weeks: int = 12  # simulated after the last arrival
    arrivals_per_week: tuple[int, ...] = (40,)  # one number, or one per week (repeated when shorter)
    first_days: tuple[date, ...] = ()  # from arrivals_csv: real first days, offsets from its first
    report_lag_days: tuple[int, int] = (3, 10)
    durations: tuple[Duration, ...] = (Duration(12, 1.0),)
    actual_duration_spread: float = 0.3
    exemption_share: float = 0.05
    employer_answer_days: tuple[float, float] = (1, 6)
    employer_silent_share: float = 0.1
    employer_decline_share: float = 0.2
    attendee_accept_days: tuple[float, float] = (0.2, 2)
    attendee_decline_share: float = 0.1
    no_show_share: float = 0.05
    measure_share: float = 0.3
    outcomes: dict[str, float] = field(default_factory=lambda: {"work": 0.6, "education": 0.1, "other": 0.3})
    caseworkers: tuple[int, ...] = (4, 6, 8)
    teams: int = 2
    work_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    work_start: str = "09:00"
    work_end: str = "15:00"
    holiday_weeks: tuple[int, ...] = ()  # simulation weeks a caseworker is away
    holiday_groups: int = 1  # caseworkers take them in this many staggered groups

    def roster(self, size: int) -> dict:
        """A roster in the format of config/roster.yaml with `size` caseworkers spread over the teams."""
        teams = [
            {
                "id": f"team-{t + 1}",
                "name": f"Team {t + 1}",
                "municipality": self.municipality,
                "municipality_name": self.municipality_name,
                "office": "Jobcentret, Rådhuspladsen 1",
                "lead": {"name": f"Teamleder {t + 1}", "email": f"leder{t + 1}@jobcenter.example.dk"},
            }
            for t in range(max(1, min(self.teams, size)))
        ]
        workers = [
            {
                "id": f"cw-{i + 1:03d}",
                "name": f"Sagsbehandler {i + 1}",
                "email": f"sb{i + 1:03d}@jobcenter.example.dk",
                "team": teams[i % len(teams)]["id"],
                "working_hours": {"days": list(self.work_days), "start": self.work_start, "end": self.work_end},
            }
            for i in range(size)
        ]
        return {"teams": teams, "caseworkers": workers}

    def holidays(self, caseworker_index: int, start: date) -> list[date]:
        """The days a caseworker is away: the scenario's weeks, shifted for her group so not all leave at once."""
        if not self.holiday_weeks:
            return []
        shift = (caseworker_index % max(1, self.holiday_groups)) * len(self.holiday_weeks)
        monday = start - timedelta(days=start.weekday())
        return [monday + timedelta(weeks=week - 1 + shift, days=d) for week in self.holiday_weeks for d in range(7)]

    def arrivals(self, start: datetime) -> list[Arrival]:
        """Every case of the run, by when its sick report reaches the engine; the same for every roster size."""
        rng = random.Random(self.seed)
        first_days = self._first_days(rng, start)
        arrivals = []
        for number, first_day in enumerate(first_days, 1):
            lag = rng.randint(*self.report_lag_days)
            day = first_day + timedelta(days=lag)
            while day.weekday() >= 5:
                day += timedelta(days=1)
            at = datetime.combine(day, time(8), tzinfo=LOCAL_TZ) + timedelta(hours=rng.randrange(8))
            if at < start:
                at = start
            expected = rng.choices([d.weeks for d in self.durations], [d.share for d in self.durations])[0]
            spread = rng.uniform(1 - self.actual_duration_spread, 1 + self.actual_duration_spread)
            arrivals.append(
                Arrival(
                    number=number,
                    first_day=first_day,
                    at=at,
                    expected_weeks=expected,
                    actual_days=max(7, round(expected * 7 * spread)),
                    seriously_ill=rng.random() < self.exemption_share,
                )
            )
        return sorted(arrivals, key=lambda a: a.at)

    def _first_days(self, rng: random.Random, start: datetime) -> list[date]:
        day0 = start.astimezone(LOCAL_TZ).date()
        if self.first_days:
            base = min(self.first_days)
            return sorted(day0 + (d - base) for d in self.first_days)
        days = []
        for week in range(self.weeks):
            count = self.arrivals_per_week[week % len(self.arrivals_per_week)]
            days += [day0 + timedelta(weeks=week, days=rng.randrange(7)) for _ in range(count)]
        return sorted(days)

    @property
    def arrival_weeks(self) -> int:
        if self.first_days:
            return (max(self.first_days) - min(self.first_days)).days // 7 + 1
        return self.weeks


@dataclass(frozen=True)
class Arrival:
    number: int
    first_day: date
    at: datetime  # when the sick report reaches the engine (the case starts)
    expected_weeks: int
    actual_days: int  # the absence as it turns out: the case ends after this many days
    seriously_ill: bool


def _share(data: dict, key: str, default: float) -> float:
    value = float(data.get(key, default))
    if not 0 <= value <= 1:
        raise ScenarioError(f"{key} skal være en andel mellem 0 og 1, ikke {value}")
    return value


def _pair(data: dict, key: str, default) -> tuple:
    value = data.get(key, default)
    if not isinstance(value, (list, tuple)) or len(value) != 2 or value[0] > value[1]:
        raise ScenarioError(f"{key} skal være [mindst, højst], ikke {value!r}")
    return tuple(value)


def _day(data: dict, key: str) -> date | None:
    value = data.get(key)
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ScenarioError(f"{key}: skriv en dato som ÅÅÅÅ-MM-DD (ikke {value!r})") from None


def load_scenario(path: Path, caseworkers: list[int] | None = None) -> Scenario:
    """Read and check a scenario file; `caseworkers` overrides its roster sizes (the command's --sagsbehandlere)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise ScenarioError(f"scenariefilen {path} kan ikke læses: {err}") from None
    employer, attendees, roster = data.get("employer", {}), data.get("attendees", {}), data.get("roster", {})
    arrivals = data.get("arrivals_per_week", 40)
    arrivals = tuple(arrivals) if isinstance(arrivals, list) else (int(arrivals),)
    first_days: tuple[date, ...] = ()
    if data.get("arrivals_csv"):
        csv_path = Path(path).parent / data["arrivals_csv"]
        try:
            with csv_path.open(encoding="utf-8") as f:
                first_days = tuple(date.fromisoformat(row["first_day"]) for row in csv.DictReader(f))
        except (OSError, KeyError, ValueError) as err:
            raise ScenarioError(
                f"arrivals_csv {csv_path}: kolonnen first_day (ÅÅÅÅ-MM-DD) mangler eller er forkert: {err}"
            ) from None
    durations = tuple(
        Duration(int(d["weeks"]), float(d["share"])) for d in data.get("durations", [{"weeks": 12, "share": 1}])
    )
    if not durations or abs(sum(d.share for d in durations) - 1) > 1e-6:
        raise ScenarioError("durations: andelene skal tilsammen give 1")
    outcomes = {str(k): float(v) for k, v in (data.get("outcomes") or {"work": 1}).items()}
    if set(outcomes) - {"work", "education", "other"}:
        raise ScenarioError("outcomes: kun work, education og other")
    sizes = tuple(caseworkers or roster.get("caseworkers", [4, 6, 8]))
    if not sizes or min(sizes) < 1:
        raise ScenarioError("roster.caseworkers: mindst én sagsbehandler")
    hours = roster.get("working_hours", {})
    scenario = Scenario(
        municipality=str(data.get("municipality", "101")),
        municipality_name=str(data.get("municipality_name", "Simuleret Kommune")),
        seed=int(data.get("seed", 1)),
        start=_day(data, "start"),
        weeks=int(data.get("weeks", 52)),
        tail_weeks=int(data.get("tail_weeks", 12)),
        arrivals_per_week=arrivals,
        first_days=first_days,
        report_lag_days=_pair(data, "report_lag_days", (3, 10)),
        durations=durations,
        actual_duration_spread=_share(data, "actual_duration_spread", 0.3),
        exemption_share=_share(data, "exemption_share", 0.05),
        employer_answer_days=_pair(employer, "answer_days", (1, 6)),
        employer_silent_share=_share(employer, "silent_share", 0.1),
        employer_decline_share=_share(employer, "decline_share", 0.2),
        attendee_accept_days=_pair(attendees, "accept_days", (0.2, 2)),
        attendee_decline_share=_share(attendees, "decline_share", 0.1),
        no_show_share=_share(data, "no_show_share", 0.05),
        measure_share=_share(data, "measure_share", 0.3),
        outcomes=outcomes,
        caseworkers=tuple(sorted(set(int(s) for s in sizes))),
        teams=int(roster.get("teams", 2)),
        work_days=tuple(hours.get("days", (0, 1, 2, 3, 4))),
        work_start=str(hours.get("start", "09:00")),
        work_end=str(hours.get("end", "15:00")),
        holiday_weeks=tuple(roster.get("holiday_weeks", ())),
        holiday_groups=int(roster.get("holiday_groups", 1)),
    )
    return scenario
