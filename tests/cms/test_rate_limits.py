"""Who a "client" is for the limits on public actions (cms.ratelimits)."""

from django.test import RequestFactory

from cms.ratelimits import client_ip, posted_address


def request(**meta):
    return RequestFactory().post("/en/live/follow/", {"email": " Reader@Example.ORG "}, **meta)


def test_the_connections_address_unless_a_header_is_trusted(settings):
    settings.RATE_LIMIT_CLIENT_IP_HEADER = ""
    forged = request(REMOTE_ADDR="203.0.113.7", HTTP_X_REAL_IP="198.51.100.1")
    assert client_ip(forged) == "203.0.113.7"

    settings.RATE_LIMIT_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    # The last entry is the one our proxy added; what the visitor sent comes before it.
    proxied = request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_ip(proxied) == "203.0.113.9"
    assert client_ip(request(REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"  # header missing


def test_an_ipv6_client_counts_as_its_64():
    one = request(REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    other = request(REMOTE_ADDR="2001:db8:1:2:bbbb::2")
    assert client_ip(one) == client_ip(other) == "2001:db8:1:2::"
    assert client_ip(request(REMOTE_ADDR="2001:db8:1:3::1")) != client_ip(one)


def test_an_address_counts_as_the_portal_stores_it():
    assert posted_address(request()) == "reader@example.org"
