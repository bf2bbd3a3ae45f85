"""Whose ``Authentication-Results`` count (issue 26, point 1): headers as real servers write
them, each with the verdict worked out by hand from RFC 8601 and the rules in
:mod:`zhurnal.fetch.auth`."""

from __future__ import annotations

import pytest

from zhurnal.core.settings import ImapSettings
from zhurnal.fetch.auth import NO_TRUSTED_HEADER, NOT_AUTHENTICATED, Verdict, parse, verdict

SENDER = "n.alekseeva@school17.ru"
OURS = ("mx.school17.ru",)

# (header values topmost first, trusted authserv-ids, verdict: "ok" or the reason held)
CASES = [
    # Postfix with opendkim / opendmarc / policyd-spf
    (["mx.school17.ru; dkim=pass (2048-bit key; unprotected) header.d=school17.ru "
      "header.i=@school17.ru header.a=rsa-sha256 header.s=mail header.b=\"AbC+12/x\""], OURS, "ok"),
    (["mx.school17.ru; dmarc=pass (p=none dis=none) header.from=school17.ru"], OURS, "ok"),
    (["mx.school17.ru; spf=pass (mailfrom) smtp.mailfrom=school17.ru (client-ip=192.0.2.7; "
      "helo=mail.school17.ru; envelope-from=n.alekseeva@school17.ru)"], OURS, "ok"),
    (["mx.school17.ru; dmarc=fail (p=reject dis=none) header.from=school17.ru"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; spf=softfail smtp.mailfrom=school17.ru"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; spf=neutral smtp.mailfrom=school17.ru; dkim=none"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; spf=temperror smtp.mailfrom=school17.ru"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; none"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru 1; dkim=pass header.d=evilschool17.ru"], OURS, NOT_AUTHENTICATED),   # not a parent
    (["mx.school17.ru; dkim=pass header.d=mail.school17.ru"], OURS, NOT_AUTHENTICATED),    # a child, not a parent
    (["mx.school17.ru; dkim=pass header.d=ru"], OURS, NOT_AUTHENTICATED),                  # a bare top-level domain
    (["mx.school17.ru; dkim=pass header.i=@evil.example header.d=evil.example"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; dmarc=pass header.from=evil.example"], OURS, NOT_AUTHENTICATED),
    # dkim passes and is aligned, but the domain's own DMARC policy refused the message
    (["mx.school17.ru; dkim=pass header.d=school17.ru; dmarc=fail header.from=school17.ru"], OURS,
     NOT_AUTHENTICATED),
    # syntax: case, spacing, no spacing, versions, quoted id, comments holding what looks like a pass
    (["MX.School17.RU; DKIM = Pass header . d = School17.RU"], OURS, "ok"),
    (["mx.school17.ru;dkim=pass header.d=school17.ru"], OURS, "ok"),
    (["mx.school17.ru;\r\n\tdkim/1=pass\r\n\theader.d=school17.ru"], OURS, "ok"),
    (['"mx.school17.ru"; spf=pass smtp.mailfrom=n.alekseeva@school17.ru'], OURS, "ok"),
    (["mx.school17.ru (our border (Postfix)); spf=pass smtp.mailfrom=school17.ru"], OURS, "ok"),
    (["mx.school17.ru; dkim=fail (header.d=school17.ru dkim=pass) header.d=school17.ru"], OURS, NOT_AUTHENTICATED),
    (['mx.school17.ru; dkim=pass reason="ok; header.d=school17.ru" header.d=evil.example'], OURS,
     NOT_AUTHENTICATED),
    # Gmail as the school's server
    (["mx.google.com; dkim=pass header.i=@school17.ru header.s=mail header.b=Xy1/Ab+c; spf=pass "
      "(google.com: domain of n.alekseeva@school17.ru designates 2a00:1450:4864::1 as permitted sender) "
      "smtp.mailfrom=n.alekseeva@school17.ru; dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=school17.ru"],
     ("mx.google.com",), "ok"),
    (["mx.google.com; spf=pass (google.com: domain of bounce@mailer.example designates 192.0.2.1 as "
      "permitted sender) smtp.mailfrom=bounce@mailer.example; dkim=pass header.i=@mailer.example"],
     ("mx.google.com",), NOT_AUTHENTICATED),
    (["mx.google.com; dkim=pass header.i=@school17.ru"], OURS, NO_TRUSTED_HEADER),   # not our border
    # Exchange: Exchange Online writes no authserv-id, so its header cannot be ours
    (["spf=pass (sender IP is 40.107.22.1) smtp.mailfrom=school17.ru; dkim=pass (signature was verified) "
      "header.d=school17.ru;dmarc=pass action=none header.from=school17.ru;compauth=pass reason=100"],
     OURS, NO_TRUSTED_HEADER),
    (["mx.school17.ru; spf=pass (sender IP is 40.107.22.1) smtp.mailfrom=school17.ru; dkim=pass "
      "(signature was verified) header.d=school17.ru;dmarc=pass action=none header.from=school17.ru"], OURS, "ok"),
    (["mx.school17.ru; spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=school17.ru; dkim=none "
      "(message not signed) header.d=none;dmarc=fail action=oreject header.from=school17.ru"], OURS,
     NOT_AUTHENTICATED),
    # the forgery of the issue: only the topmost header of our border counts
    (["mx.school17.ru; spf=fail smtp.mailfrom=school17.ru",
      "forger.evil.example; dkim=pass header.d=school17.ru"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; spf=fail smtp.mailfrom=school17.ru",
      "mx.school17.ru; dkim=pass header.d=school17.ru"], OURS, NOT_AUTHENTICATED),
    (["forger.evil.example; dkim=pass header.d=school17.ru"], OURS, NO_TRUSTED_HEADER),
    ([], OURS, NO_TRUSTED_HEADER),
]


# more headers as common servers write them (issue 32), each verdict by hand from the rules above
CASES += [
    # Yandex: SPF's property is smtp.mail, not RFC 8601's smtp.mailfrom: only the dkim part can pass
    (["mxfront1q.mail.yandex.net; spf=pass (mxfront1q.mail.yandex.net: domain of school17.ru designates "
      "192.0.2.7 as permitted sender, rule=[ip4:192.0.2.0/24]) smtp.mail=n.alekseeva@school17.ru; "
      "dkim=pass header.i=@school17.ru"], ("mxfront1q.mail.yandex.net",), "ok"),
    (["mxfront1q.mail.yandex.net; spf=pass (domain of school17.ru designates 192.0.2.7 as permitted sender) "
      "smtp.mail=n.alekseeva@school17.ru; dkim=none"], ("mxfront1q.mail.yandex.net",), NOT_AUTHENTICATED),
    # Mail.ru: header.from as a whole address
    (["mxs.mail.ru; spf=pass (mx211.i.mail.ru: domain of school17.ru designates 192.0.2.7 as permitted sender) "
      "smtp.mailfrom=n.alekseeva@school17.ru smtp.helo=mail.school17.ru; dkim=none; "
      "dmarc=pass header.from=n.alekseeva@school17.ru"], ("mxs.mail.ru",), "ok"),
    # Rspamd on the school's own border
    (["mx.school17.ru; dkim=pass header.d=school17.ru header.s=dkim header.b=Ab+c; dmarc=pass (policy=reject) "
      "header.from=school17.ru; spf=pass (mx.school17.ru: domain of \"n.alekseeva@school17.ru\" designates "
      "192.0.2.7 as permitted sender) smtp.mailfrom=n.alekseeva@school17.ru"], OURS, "ok"),
    (["mx.school17.ru; dkim=none; dmarc=none; spf=softfail (mx.school17.ru: domain of "
      "\"n.alekseeva@school17.ru\" is not allowed to send mail) smtp.mailfrom=n.alekseeva@school17.ru"],
     OURS, NOT_AUTHENTICATED),
    # results that are not a pass, whatever the case
    (["mx.school17.ru; spf=SoftFail smtp.mailfrom=school17.ru"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; spf=none smtp.mailfrom=school17.ru"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; spf=permerror smtp.mailfrom=school17.ru"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; dkim=neutral (bad format) header.d=school17.ru"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; dkim=policy header.d=school17.ru"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; dmarc=none header.from=school17.ru; dmarc=temperror header.from=school17.ru"], OURS,
     NOT_AUTHENTICATED),
    (["mx.school17.ru; dkim=passed header.d=school17.ru"], OURS, NOT_AUTHENTICATED),
    # methods that are not DMARC, DKIM or SPF count for nothing, even when they pass
    (["mx.school17.ru; arc=pass (i=1) header.oldest-pass=0 smtp.remote-ip=192.0.2.7"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; auth=pass smtp.auth=n.alekseeva@school17.ru"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; iprev=pass policy.iprev=192.0.2.7 (mail.school17.ru)"], OURS, NOT_AUTHENTICATED),
    # dmarc: only the sender's own domain, and a missing header.from is the sender's
    (["mx.school17.ru; DMARC=PASS"], OURS, "ok"),
    (["mx.school17.ru; dmarc=pass header.from=evilschool17.ru"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; dmarc=pass header.from=mail.school17.ru"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; dmarc=pass header.from=\"\""], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; dkim=pass header.d=school17.ru; dmarc=FAIL header.from=school17.ru"], OURS, NOT_AUTHENTICATED),
    # look-alike and subdomain signing domains
    (["mx.school17.ru; spf=pass smtp.mailfrom=n.alekseeva@evilschool17.ru"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; spf=pass smtp.mailfrom=n.alekseeva@school17.ru.evil.example"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; spf=pass smtp.mailfrom=n.alekseeva@evil-school17.ru"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; spf=pass smtp.mailfrom=bounce@mail.school17.ru"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; dkim=pass header.i=n.alekseeva@mail.school17.ru"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; dkim=pass header.d=SCHOOL17.RU."], OURS, "ok"),              # the root's dot
    (["mx.school17.ru; spf=pass smtp.mailfrom=<n.alekseeva@School17.ru>"], OURS, "ok"),
    (["mx.school17.ru; dkim=pass header.i=@evil.example header.d=school17.ru"], OURS, "ok"),   # header.d first
    (["mx.school17.ru; dkim=pass"], OURS, NOT_AUTHENTICATED),                       # no signing domain
    (["mx.school17.ru; spf=pass"], OURS, NOT_AUTHENTICATED),
    # Exchange's dmarc=bestguesspass (no DMARC record) is neither a pass nor a fail
    (["mx.school17.ru; dkim=pass header.d=school17.ru; dmarc=bestguesspass action=none header.from=school17.ru"],
     OURS, "ok"),
    (["mx.school17.ru; dmarc=bestguesspass action=none header.from=school17.ru"], OURS, NOT_AUTHENTICATED),
    # a header.from of another domain, whichever way it sorts
    (["mx.school17.ru; dmarc=pass header.from=ya.ru"], OURS, NOT_AUTHENTICATED),
    # RFC 6212's vbr and extension methods carry no SPF
    (["mx.school17.ru; vbr=pass header.md=school17.ru smtp.mailfrom=school17.ru"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; x-spf=pass smtp.mailfrom=school17.ru"], OURS, NOT_AUTHENTICATED),
    # a quoted reason holding a space and a semicolon: still one result, a failure
    (['mx.school17.ru; dkim=fail reason="bad ; dkim=pass header.d=school17.ru"'], OURS, NOT_AUTHENTICATED),
    # one pass among failures is enough (no dmarc=fail): a forwarded message fails SPF, its DKIM holds
    (["mx.school17.ru; spf=fail smtp.mailfrom=forwarder.example; dkim=pass header.d=school17.ru"], OURS, "ok"),
    (["mx.school17.ru; iprev=fail policy.iprev=192.0.2.7; dkim=pass header.d=school17.ru"], OURS, "ok"),
    # RFC 8601's auth method (SMTP AUTH) carries smtp.mailfrom too; it is not SPF
    (["mx.school17.ru; auth=pass smtp.auth=n.alekseeva smtp.mailfrom=n.alekseeva@school17.ru"], OURS, NOT_AUTHENTICATED),
    (["mx.school17.ru; arc=pass smtp.mailfrom=school17.ru header.d=school17.ru"], OURS, NOT_AUTHENTICATED),
    # a value between two other equal characters is not a quoted string
    (["mx.school17.ru; dkim=pass header.d=!school17.ru!"], OURS, NOT_AUTHENTICATED),
    # one pass among failures is enough (no dmarc=fail)
    (["mx.school17.ru; dkim=fail header.d=school17.ru; dkim=pass header.d=school17.ru"], OURS, "ok"),
    # authserv-ids that only look like ours
    (["mx.school17.ru.evil.example; dkim=pass header.d=school17.ru"], OURS, NO_TRUSTED_HEADER),
    (["evilmx.school17.ru; dkim=pass header.d=school17.ru"], OURS, NO_TRUSTED_HEADER),
    (["x.mx.school17.ru; dkim=pass header.d=school17.ru"], OURS, NO_TRUSTED_HEADER),
    (["mx.school17.ru extra; dkim=pass header.d=school17.ru"], OURS, NO_TRUSTED_HEADER),    # not a version
    (["; dkim=pass header.d=school17.ru"], OURS, NO_TRUSTED_HEADER),
    (["mx.school17.ru"], OURS, NOT_AUTHENTICATED),                                    # an id, no results
    # the trusted list as typed in the settings: case and spaces do not matter
    (["mx.school17.ru; dkim=pass header.d=school17.ru"], (" MX.School17.RU ",), "ok"),
    # two trusted servers: the topmost of them counts, even when it is the second one listed
    (["mx2.school17.ru; spf=softfail smtp.mailfrom=school17.ru",
      "mx.school17.ru; dkim=pass header.d=school17.ru"], ("mx.school17.ru", "mx2.school17.ru"), NOT_AUTHENTICATED),
    (["forger.evil.example; spf=fail", "mx2.school17.ru; spf=pass smtp.mailfrom=school17.ru"],
     ("mx.school17.ru", "mx2.school17.ru"), "ok"),
    # comments and quoting: nested and escaped parentheses, quoted semicolons and quotes
    (["mx.school17.ru; dkim=pass (a (nested) comment; dkim=fail) header.d=school17.ru"], OURS, "ok"),
    (["mx.school17.ru; dkim=pass (an escaped \\) paren; header.d=evil.example) header.d=school17.ru"], OURS, "ok"),
    (['mx.school17.ru; spf=pass smtp.mailfrom="n;x@school17.ru"'], OURS, "ok"),
    (['mx.school17.ru; spf=pass reason="said \\"pass\\"; ok" smtp.mailfrom=school17.ru'], OURS, "ok"),
    (['mx.school17.ru; dkim=pass header.d="evil.example; header.d=school17.ru"'], OURS, NOT_AUTHENTICATED),
    (["(a comment first) mx.school17.ru; dkim=pass header.d=school17.ru"], OURS, "ok"),
    (["mx.school17.ru; dkim=pass(good)header.d=school17.ru"], OURS, "ok"),          # a comment is a space
    (["mx.school17.ru; dkim=pass(a (nested)one)header.d=school17.ru"], OURS, "ok"),
    (["mx.school17.ru; dkim=pass header.d=school17.ru (a comment never closed"], OURS, "ok"),
]


@pytest.mark.parametrize(("headers", "trusted", "expected"), CASES)
def test_each_header_gets_its_verdict(headers, trusted, expected):
    judged = verdict(headers, SENDER, trusted)
    assert ("ok" if judged.ok else judged.reason) == expected


def test_a_parent_domain_aligns_with_a_subdomain_sender():
    said = verdict(["mx.school17.ru; spf=pass smtp.mailfrom=bounce@school17.ru"], "a@mail.school17.ru", OURS)
    assert said.ok


def test_the_reason_says_what_our_border_recorded():
    said = verdict(["mx.school17.ru; spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=n.alekseeva@school17.ru",
                    "forger.evil.example; dkim=pass header.d=school17.ru"], SENDER, OURS)
    assert said.detail == "mx.school17.ru: spf=fail smtp.mailfrom=n.alekseeva@school17.ru"


def test_a_header_is_parsed_into_id_methods_and_properties():
    authserv, results = parse('Mx.School17.ru 1; DKIM=pass (good) header.d="school17.ru"; spf=none')
    assert authserv == "mx.school17.ru"
    assert [(r.method, r.result, r.properties) for r in results] == [
        ("dkim", "pass", {"header.d": "school17.ru"}), ("spf", "none", {})]
    assert parse("mx.school17.ru; none") == ("mx.school17.ru", [])


def test_trusted_ids_are_required_when_authentication_is(tmp_path):
    with pytest.raises(ValueError, match="trusted_authserv_ids"):
        ImapSettings(host="imap.school17.ru")
    assert ImapSettings(host="imap.school17.ru", require_authentication=False).host
    assert ImapSettings().host == ""                     # no mailbox: nothing to trust


def test_a_workspace_without_trusted_ids_is_a_configuration_error(tmp_path):
    from click.testing import CliRunner

    from zhurnal.cli import main
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(tmp_path)]).exit_code == 0
    toml = tmp_path / "zhurnal.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        '[imap]\n# the school', '[imap]\nhost = "imap.school17.ru"\n# the school').replace(
        'host = ""\nport = 993', 'port = 993'), encoding="utf-8")
    result = runner.invoke(main, ["--workspace", str(tmp_path), "fetch"])
    assert result.exit_code == 2 and "trusted_authserv_ids" in result.output


def test_the_detail_says_none_or_names_the_servers_trusted():
    assert verdict(["mx.school17.ru; none"], SENDER, OURS).detail == "mx.school17.ru: none"
    assert verdict(["mx.school17.ru; dkim=pass header.d=evil.example; spf=none"], SENDER, OURS).detail == \
        "mx.school17.ru: dkim=pass header.d=evil.example; spf=none"
    missing = verdict(["forger.evil.example; dkim=pass header.d=school17.ru"], SENDER, ["mx2.school17.ru", "MX.school17.ru"])
    assert missing.detail == "no Authentication-Results from mx.school17.ru, mx2.school17.ru"
    assert verdict([], SENDER, []).detail == "no Authentication-Results from a trusted server"
    assert verdict(["mx.school17.ru; dkim=pass header.d=school17.ru"], SENDER, OURS) == Verdict(True, "", "")


@pytest.mark.parametrize(("value", "expected"), [
    ('"mx.school17.ru" ; spf=pass', ("mx.school17.ru", [("spf", "pass", {})])),
    ('"mx.\\"q\\".ru"; none', ('mx."q".ru', [])),
    ("mx.school17.ru; dkim = pass header.d = \"a\\\\b.ru\"", ("mx.school17.ru", [("dkim", "pass", {"header.d": "a\\b.ru"})])),
    ('mx.school17.ru; dkim=pass header.d="x', ("mx.school17.ru", [("dkim", "pass", {})])),   # an unclosed quote: no value
    ("mx.school17.ru; spf=pass (c) smtp.mailfrom=a@b.ru (d) ; dkim=fail",
     ("mx.school17.ru", [("spf", "pass", {"smtp.mailfrom": "a@b.ru"}), ("dkim", "fail", {})])),
    ("mx.school17.ru; spf=pass smtp.mailfrom=a@b.ru) stray", ("mx.school17.ru", [("spf", "pass", {"smtp.mailfrom": "a@b.ru)"})])),
    ("mx.school17.ru (\\(; c) ; dkim=pass", ("mx.school17.ru", [("dkim", "pass", {})])),
    ('mx.school17.ru; dkim=pass reason="a b" header.d=x.ru', ("mx.school17.ru", [("dkim", "pass", {"header.d": "x.ru"})])),
    ("mx.school17.ru; garbage; dkim=pass", ("mx.school17.ru", [("dkim", "pass", {})])),
    ("mx school17; dkim=pass", None),
    ('mx.school17.ru; dkim=pass header.d=""', ("mx.school17.ru", [("dkim", "pass", {"header.d": ""})])),
    ('"ab"; none', ("ab", [])),
    ("", None),
])
def test_header_syntax_by_hand(value, expected):
    parsed = parse(value)
    if expected is None:
        assert parsed is None
    else:
        assert (parsed[0], [(r.method, r.result, r.properties) for r in parsed[1]]) == expected


def test_a_verdict_and_a_result_cannot_be_changed_after_the_judgement():
    import dataclasses
    said = verdict(["mx.school17.ru; spf=fail smtp.mailfrom=school17.ru"], SENDER, OURS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        said.ok = True
    [result] = parse("mx.school17.ru; spf=fail")[1]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.result = "pass"
