from __future__ import annotations

import copy
import dataclasses
from datetime import date

import pytest
import yaml

from domain.rulesets import (
    DEFAULT_RULESETS_PATH,
    RuleSet,
    load_rulesets,
    next_rule_set_switch,
    rule_set_for,
    ruleset_for,
    rulesets_from_data,
)

NAME_2017 = "2017 Sammen om fastholdelse"
NAME_2025 = "2025 sygedagpengeaftale"
NAME_2026 = "2026 beskæftigelsesreform"


@pytest.fixture(scope="module")
def rulesets() -> tuple[RuleSet, ...]:
    return load_rulesets()


def minimal(**overrides) -> dict:
    data = {
        "rulesets": [
            {"name": "old", "valid_from": date(2014, 7, 1)},
            {"name": "new", "valid_from": date(2025, 1, 1), "predictable_return_weeks": 13},
        ]
    }
    data["rulesets"][1].update(overrides)
    return data


class TestShippedConfig:
    def test_three_dated_sets_in_order(self, rulesets):
        assert [r.name for r in rulesets] == [NAME_2017, NAME_2025, NAME_2026]
        assert [r.valid_from for r in rulesets] == [date(2014, 7, 1), date(2025, 1, 1), date(2026, 7, 1)]

    def test_values_that_change_between_sets(self, rulesets):
        old, agreement, reform = rulesets
        assert old.triage_categories == (1, 2, 3)
        assert agreement.triage_categories == (1, 2)
        assert (old.predictable_return_weeks, agreement.predictable_return_weeks) == (None, 13)
        assert (old.watch_only_below_weeks, agreement.watch_only_below_weeks) == (None, None)
        assert reform.watch_only_below_weeks == 26

    def test_statutory_numbers(self, rulesets):
        for r in rulesets:
            assert r.first_meeting_weeks == 8
            assert r.fast_track_days == 14
            assert r.fast_track_employer_window_weeks == 5
            assert r.measure_weeks == 13
            assert r.reassessment_weeks == 22
            assert r.target_min_expected_weeks == 8
            assert r.closed_days == ((12, 24), (12, 31), (6, 5))

    def test_default_path_is_next_to_the_package(self):
        assert DEFAULT_RULESETS_PATH.name == "rulesets.yaml"
        assert DEFAULT_RULESETS_PATH.parent.name == "config"
        assert DEFAULT_RULESETS_PATH.is_file()


@pytest.mark.parametrize(
    "first_day, name",
    [
        (date(2014, 7, 1), NAME_2017),
        (date(2017, 10, 1), NAME_2017),
        (date(2024, 12, 31), NAME_2017),
        (date(2025, 1, 1), NAME_2025),
        (date(2025, 1, 2), NAME_2025),
        (date(2026, 6, 30), NAME_2025),
        (date(2026, 7, 1), NAME_2026),
        (date(2030, 1, 1), NAME_2026),
    ],
)
def test_ruleset_for_boundaries(rulesets, first_day, name):
    assert ruleset_for(first_day, rulesets).name == name


def test_ruleset_for_before_the_first_set_raises(rulesets):
    with pytest.raises(ValueError, match="2014-07-01"):
        ruleset_for(date(2014, 6, 30), rulesets)


def test_ruleset_for_does_not_rely_on_order_and_accepts_a_list(rulesets):
    shuffled = [rulesets[2], rulesets[0], rulesets[1]]
    assert ruleset_for(date(2025, 6, 1), shuffled).name == NAME_2025


def test_ruleset_for_with_no_sets_raises():
    with pytest.raises(ValueError, match="no rule sets"):
        ruleset_for(date(2025, 1, 1), [])


class TestParsing:
    def test_minimal_document_uses_defaults_and_sorts(self):
        data = minimal()
        data["rulesets"].reverse()
        parsed = rulesets_from_data(data)
        assert [r.name for r in parsed] == ["old", "new"]
        assert parsed[0].first_meeting_weeks == 8
        assert parsed[0].predictable_return_weeks is None
        assert parsed[1].predictable_return_weeks == 13

    def test_iso_strings_are_accepted_as_dates(self):
        data = {"rulesets": [{"name": "x", "valid_from": "2025-01-01"}]}
        assert rulesets_from_data(data)[0].valid_from == date(2025, 1, 1)

    def test_top_level_closed_days_apply_to_every_set(self):
        data = minimal()
        data["closed_days"] = [[12, 24]]
        assert all(r.closed_days == ((12, 24),) for r in rulesets_from_data(data))

    def test_a_set_may_override_closed_days(self):
        data = minimal(closed_days=[[5, 1]])
        old, new = rulesets_from_data(data)
        assert old.closed_days == ((12, 24), (12, 31), (6, 5))
        assert new.closed_days == ((5, 1),)

    def test_null_is_allowed_for_optional_numbers(self):
        data = minimal(watch_only_below_weeks=None)
        assert rulesets_from_data(data)[1].watch_only_below_weeks is None

    @pytest.mark.parametrize(
        "overrides, message",
        [
            ({"first_meting_weeks": 8}, "first_meting_weeks"),
            ({"measure_weeks": "13"}, "measure_weeks"),
            ({"measure_weeks": 0}, "measure_weeks"),
            ({"measure_weeks": None}, "measure_weeks"),
            ({"measure_weeks": True}, "measure_weeks"),
            ({"watch_only_below_weeks": -26}, "watch_only_below_weeks"),
            ({"valid_from": "1 July 2026"}, "valid_from"),
            ({"valid_from": 2026}, "valid_from"),
            ({"name": ""}, "name"),
            ({"triage_categories": "1, 2"}, "triage_categories"),
            ({"first_meeting_statutory": "yes"}, "first_meeting_statutory"),
            ({"employer_estimate_required": 1}, "employer_estimate_required"),
            ({"transition": "everyone"}, "transition"),
            ({"reassessment_benefit_weeks": 0}, "reassessment_benefit_weeks"),
            ({"outcome_after_months": -1}, "outcome_after_months"),
            ({"triage_categories": [1, "two"]}, "triage_categories"),
            ({"closed_days": [[2, 30]]}, "closed_days"),
            ({"closed_days": "12-24"}, "closed_days"),
        ],
    )
    def test_bad_field_is_named(self, overrides, message):
        with pytest.raises(ValueError, match=message) as err:
            rulesets_from_data(minimal(**overrides))
        assert "rulesets[1]" in str(err.value)

    def test_missing_required_field_is_named(self):
        data = minimal()
        del data["rulesets"][0]["valid_from"]
        with pytest.raises(ValueError, match=r"rulesets\[0\].*valid_from"):
            rulesets_from_data(data)

    def test_unknown_top_level_key_is_named(self):
        data = minimal()
        data["closed_dayz"] = []
        with pytest.raises(ValueError, match="closed_dayz"):
            rulesets_from_data(data)

    def test_bad_top_level_closed_days_is_named(self):
        data = minimal()
        data["closed_days"] = [[12, 32]]
        with pytest.raises(ValueError, match=r"closed_days\[0\]"):
            rulesets_from_data(data)

    def test_duplicate_valid_from_is_refused(self):
        data = minimal(valid_from=date(2014, 7, 1))
        with pytest.raises(ValueError, match="share valid_from 2014-07-01"):
            rulesets_from_data(data)

    @pytest.mark.parametrize("doc", [{}, {"rulesets": []}, {"rulesets": {"name": "x"}}, [], None])
    def test_empty_or_malformed_document(self, doc):
        with pytest.raises(ValueError):
            rulesets_from_data(doc)

    def test_entry_that_is_not_a_mapping(self):
        with pytest.raises(ValueError, match=r"rulesets\[0\]"):
            rulesets_from_data({"rulesets": ["2025"]})


def test_load_rulesets_from_a_file_names_the_file(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("rulesets:\n  - name: only\n    valid_from: 2025-01-01\n    measure_weeks: 12\n", encoding="utf-8")
    (only,) = load_rulesets(good)
    assert only.measure_weeks == 12

    bad = tmp_path / "bad.yaml"
    bad.write_text("rulesets:\n  - name: only\n    valid_from: 2025-01-01\n    measure_weeks: soon\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.yaml.*measure_weeks"):
        load_rulesets(str(bad))


def test_shipped_yaml_round_trips_through_the_parser():
    data = yaml.safe_load(DEFAULT_RULESETS_PATH.read_text(encoding="utf-8"))
    assert rulesets_from_data(copy.deepcopy(data)) == load_rulesets()


class TestSerialisation:
    """The workflow carries a RuleSet in its input and state."""

    def test_lists_from_json_become_tuples_again(self, rulesets):
        original = rulesets[2]
        as_json = dataclasses.asdict(original)
        as_json["valid_from"] = original.valid_from.isoformat()
        as_json["closed_days"] = [list(pair) for pair in original.closed_days]
        as_json["triage_categories"] = list(original.triage_categories)
        rebuilt = RuleSet(**as_json)
        assert rebuilt == original
        assert hash(rebuilt) == hash(original)

    def test_round_trip_through_temporal_pydantic_converter(self, rulesets):
        # Temporal's default JSON converter cannot encode `date`; the pydantic converter can.
        from temporalio.contrib.pydantic import pydantic_data_converter

        converter = pydantic_data_converter.payload_converter
        payloads = converter.to_payloads(list(rulesets))
        assert list(converter.from_payloads(payloads, [RuleSet] * len(rulesets))) == list(rulesets)


class TestRuleSetForRunningCases:
    """rule_set_for(first_day, today, rulesets): by first day, unless a later set takes over running cases."""

    OLD = RuleSet(name="old", valid_from=date(2025, 1, 1))
    BY_FIRST_DAY = RuleSet(name="by first day", valid_from=date(2026, 7, 1))
    ALL_RUNNING = RuleSet(name="all running", valid_from=date(2026, 7, 1), transition="all_running_cases")
    LATER = RuleSet(name="later", valid_from=date(2027, 1, 1), transition="all_running_cases")

    @pytest.mark.parametrize(
        "sets, first_day, today, expected",
        [
            # Default: the first day decides for the whole case.
            ((OLD, BY_FIRST_DAY), date(2026, 6, 30), date(2026, 9, 1), "old"),
            ((OLD, BY_FIRST_DAY), date(2026, 7, 1), date(2026, 7, 1), "by first day"),
            # A reform whose transition covers running cases: switch on its date, not before.
            ((OLD, ALL_RUNNING), date(2026, 6, 30), date(2026, 6, 30), "old"),
            ((OLD, ALL_RUNNING), date(2026, 6, 30), date(2026, 7, 1), "all running"),
            ((OLD, ALL_RUNNING), date(2025, 3, 1), date(2026, 12, 1), "all running"),
            # Two switching sets: the latest one reached wins.
            ((OLD, ALL_RUNNING, LATER), date(2025, 3, 1), date(2026, 12, 31), "all running"),
            ((OLD, ALL_RUNNING, LATER), date(2025, 3, 1), date(2027, 1, 1), "later"),
            # A switching set never takes a case back to an older set.
            ((OLD, BY_FIRST_DAY, LATER), date(2026, 8, 1), date(2026, 9, 1), "by first day"),
        ],
    )
    def test_selection(self, sets, first_day, today, expected):
        assert rule_set_for(first_day, today, sets).name == expected

    def test_next_switch(self):
        sets = (self.OLD, self.ALL_RUNNING, self.LATER)
        assert next_rule_set_switch(date(2025, 3, 1), date(2026, 6, 1), sets) == date(2026, 7, 1)
        assert next_rule_set_switch(date(2025, 3, 1), date(2026, 7, 1), sets) == date(2027, 1, 1)
        assert next_rule_set_switch(date(2025, 3, 1), date(2027, 1, 1), sets) is None
        assert next_rule_set_switch(date(2025, 3, 1), date(2026, 6, 1), (self.OLD, self.BY_FIRST_DAY)) is None

    def test_unknown_transition_is_refused_in_code_too(self):
        with pytest.raises(ValueError, match="transition"):
            RuleSet(name="x", valid_from=date(2026, 7, 1), transition="sometimes")


def test_fields_added_later_default_to_the_old_behaviour():
    # A RuleSet read back from a history saved before these fields existed must compute what it did then.
    legacy = RuleSet(name="from an old history", valid_from=date(2025, 1, 1))
    assert legacy.reassessment_benefit_weeks is None
    assert legacy.outcome_after_months is None
    assert legacy.first_meeting_statutory is True
    assert legacy.statutory_first_conversation_months is None
    assert legacy.employer_estimate_required is False
    assert legacy.transition == "first_day"


class TestShippedConfigSources:
    def test_every_set_uses_the_law_for_reassessment_and_the_seed_for_the_outcome(self, rulesets):
        for r in rulesets:
            assert (r.reassessment_benefit_weeks, r.reassessment_window_months) == (22, 9)
            assert r.outcome_after_months == 1
            assert r.fast_track_consent_bank_days == 2
            assert (
                r.employer_report_weeks,
                r.employer_report_days_when_unpaid,
                r.employer_report_weeks_after_own_payment,
            ) == (5, 14, 1)
            assert r.info_form_answer_days == 8
            assert r.transition == "first_day"

    def test_the_2026_reform(self, rulesets):
        old, agreement, reform = rulesets
        assert (old.first_meeting_statutory, agreement.first_meeting_statutory, reform.first_meeting_statutory) == (
            True,
            True,
            False,
        )
        assert reform.first_meeting_weeks == 8  # kept as the model's target
        assert (agreement.statutory_first_conversation_months, reform.statutory_first_conversation_months) == (None, 6)
        assert (agreement.employer_estimate_required, reform.employer_estimate_required) == (False, True)
        assert reform.triage_categories == ()

    def test_every_value_in_the_shipped_yaml_cites_a_source(self):
        # A value line inside a rule set without a comment has no source: refuse it.
        lines = DEFAULT_RULESETS_PATH.read_text(encoding="utf-8").splitlines()
        start = lines.index("rulesets:")
        values = [
            line
            for line in lines[start + 1 :]
            if line.strip()
            and not line.strip().startswith("#")
            and ":" in line
            and not line.strip().startswith(("- name:", "valid_from:"))
        ]
        assert len(values) >= 3 * 30
        uncited = [line for line in values if "#" not in line]
        assert uncited == []
