"""Timeline details in Danish: the workflow's codes, ids, ISO times and decimal points as people read them."""

from __future__ import annotations

from domain.labels import readable_detail


def test_codes_ids_and_times_become_danish():
    assert (
        readable_detail("cw-anna -> cw-jonas: Orlov", {"cw-anna": "Anna Berg", "cw-jonas": "Jonas Friis"})
        == "Anna Berg til Jonas Friis: Orlov"
    )
    assert readable_detail("workplace: in_target_group") == "arbejdspladsen: i målgruppen"
    assert readable_detail("full_recovery") == "raskmelding"
    assert readable_detail("gradual_return fra 2026-12-15 (uge 5)") == "gradvis tilbagevenden fra 15.12.2026 (uge 5)"
    assert (
        readable_detail("møde 1 2026-12-08T09:00:00+01:00 (workplace)")
        == "møde 1 08.12.2026 kl. 09.00 (arbejdspladsen)"
    )
    assert readable_detail("møde 1: employee DECLINED") == "møde 1: medarbejderen kan ikke"
    assert readable_detail("18.5 timer om ugen fra 2026-12-04") == "18,5 timer om ugen fra 04.12.2026"
    assert readable_detail("both_expect_under_8_weeks") == "begge forventer under 8 uger"


def test_plain_danish_text_is_left_alone():
    text = "Arbejdsgiveren har ikke lokaler. Ring til Henrik på 20 30 40 50."
    assert readable_detail(text) == text


def test_how_the_information_form_went_out_is_said_in_danish():
    # The timeline's detail of "info_form_sent" names the channel by its code; a person reads the words.
    assert readable_detail("employer_report") == "med arbejdsgiverens anmeldelse"
    assert readable_detail("digital_post 2035-09-20") == "med Digital Post 20.09.2035"


def test_the_track_a_case_was_triaged_to_is_said_in_danish():
    assert readable_detail("watch: both_expect_under_26_weeks") == "overvåges: begge forventer under 26 uger"
    assert readable_detail("exempt: seriously_ill") == "undtaget: alvorligt syg"
    assert readable_detail("outside: called_in_on_estimate") == "uden for målgruppen: indkaldt efter skøn"
